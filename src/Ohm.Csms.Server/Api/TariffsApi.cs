using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block I: tariffs (every change a new version), where they apply (token group beats EVSE beats station beats the
/// default tariff), each transaction's cost breakdown, and a station's TariffCostCtrlr fallback messages (I04, I05).
/// </summary>
internal static class TariffsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var tariffs = api.MapGroup("/tariffs").WithTags("Tariffs");
        tariffs.MapGet("/", ListAsync).WithName("listTariffs").WithSummary("Tariffs (not deleted) in the order they were added").ProducesProblem(StatusCodes.Status400BadRequest);
        tariffs.MapGet("/{id:long}", GetAsync).WithName("getTariff").WithSummary("A tariff in its current version").ProducesProblem(StatusCodes.Status404NotFound);
        tariffs.MapPost("/", CreateAsync).WithName("createTariff").WithSummary("Add a tariff (version 1)").ProducesProblem(StatusCodes.Status400BadRequest);
        tariffs.MapPut("/{id:long}", UpdateAsync).WithName("updateTariff").WithSummary("Replace a tariff's prices; makes a new version (running transactions keep theirs)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        tariffs.MapDelete("/{id:long}", DeleteAsync).WithName("deleteTariff").WithSummary("Delete a tariff; its versions stay for the transactions that used them").ProducesProblem(StatusCodes.Status404NotFound);
        tariffs.MapGet("/{id:long}/versions", VersionsAsync).WithName("getTariffVersions").WithSummary("Every version of a tariff").ProducesProblem(StatusCodes.Status404NotFound);
        tariffs.MapGet("/{id:long}/assignments", AssignmentsAsync).WithName("getTariffAssignments").WithSummary("Where a tariff applies").ProducesProblem(StatusCodes.Status404NotFound);
        tariffs.MapPost("/{id:long}/assignments", AssignAsync).WithName("assignTariff")
            .WithSummary("Apply a tariff to a token group (groupIdToken), an EVSE (stationId and evseId) or a station (stationId)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/tariff-assignments/{id:long}", UnassignAsync).WithTags("Tariffs").WithName("deleteTariffAssignment").WithSummary("Remove an assignment").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/stations/{stationId}/transactions/{transactionId}/cost", CostAsync).WithTags("Transactions").WithName("getTransactionCost")
            .WithSummary("A transaction's cost breakdown (running or final) with the tariff version used").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/stations/{stationId}/tariff-messages", SetMessagesAsync).WithTags("Tariffs").WithName("setTariffFallbackMessages")
            .WithSummary("I04, I05: set TariffCostCtrlr TariffFallbackMessage and TotalCostFallbackMessage on the station (SetVariables)")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable).ProducesProblem(StatusCodes.Status504GatewayTimeout);
    }

    /// <summary>A tariff: its id, current version, whether it is the default, and its prices.</summary>
    internal sealed record TariffView(long Id, int Version, bool IsDefault, TariffDefinition Tariff, DateTimeOffset UpdatedAt);

    /// <summary>A version of a tariff.</summary>
    internal sealed record TariffVersionView(int Version, TariffDefinition Tariff, DateTimeOffset CreatedAt);

    /// <summary>A new tariff or its replacement: the prices and whether it is the default tariff.</summary>
    internal sealed record TariffBody
    {
        public required TariffDefinition Tariff { get; init; }

        public bool? IsDefault { get; init; }
    }

    /// <summary>Where a tariff applies: a groupIdToken; or a stationId with an evseId (an EVSE) or without (the station).</summary>
    internal sealed record TariffAssignmentBody
    {
        public string? GroupIdToken { get; init; }

        public string? StationId { get; init; }

        public int? EvseId { get; init; }
    }

    /// <summary>An assignment.</summary>
    internal sealed record TariffAssignmentView(long Id, long TariffId, string? GroupIdToken, string? StationId, int? EvseId);

    /// <summary>A transaction's cost.</summary>
    internal sealed record TransactionCostView(
        string StationId, string TransactionId, long TariffId, int TariffVersion, string Currency, decimal Energy, decimal Time, decimal Idle, decimal Fees,
        decimal Tax, decimal Total, decimal EnergyKwh, bool Final, DateTimeOffset ComputedAt);

    /// <summary>The fallback texts to set; what is left out is not set.</summary>
    internal sealed record TariffMessagesBody
    {
        public string? TariffFallbackMessage { get; init; }

        public string? TotalCostFallbackMessage { get; init; }
    }

    /// <summary>The station's answer per variable.</summary>
    internal sealed record TariffMessagesResult(IReadOnlyList<SetVariableResultType> Results);

    private static TariffView View(TariffRecord t) => new(t.Id, t.Version, t.IsDefault, TariffCost.Parse(t.Definition), t.UpdatedAt);

    private static ValidationProblem? Check(TariffDefinition t)
    {
        if (t.Currency is not { Length: 3 } || !t.Currency.All(char.IsAsciiLetterUpper))
        {
            return ApiResults.Invalid("tariff.currency", "must be an ISO 4217 code (three capital letters)");
        }

        if (t.EnergyPerKwh < 0 || t.TimePerHour < 0 || t.IdlePerHour < 0 || t.SessionFee < 0 || t.IdleGraceMinutes < 0 || t.TaxPercent is < 0 or > 100)
        {
            return ApiResults.Invalid("tariff", "prices, fee, grace and tax must not be negative (tax at most 100)");
        }

        if (t.MinCost is { } min && t.MaxCost is { } max && min > max)
        {
            return ApiResults.Invalid("tariff.minCost", "must not exceed maxCost");
        }

        if (!TariffCalculator.IsZone(t.TimeZone))
        {
            return ApiResults.Invalid("tariff.timeZone", $"'{t.TimeZone}' is not an IANA time zone");
        }

        return t.Periods.Any(p => p.From == p.To || p.EnergyPerKwh < 0 || p.TimePerHour < 0 || p.IdlePerHour < 0)
            ? ApiResults.Invalid("tariff.periods", "a period needs from different from to and prices that are not negative")
            : null;
    }

    private static async Task<Results<Ok<Page<TariffView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        var query = db.Tariffs.AsNoTracking().Where(t => !t.Deleted);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(t => t.Id > a);
        }

        var rows = await query.OrderBy(t => t.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, View, t => Paging.Key(t.Id)));
    }

    private static async Task<Results<Ok<TariffView>, ProblemHttpResult>> GetAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var t = await db.Tariffs.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, ct).ConfigureAwait(false);
        return t is null ? ApiResults.NotFound($"No tariff {id}.") : TypedResults.Ok(View(t));
    }

    private static async Task<Results<Created<TariffView>, ValidationProblem>> CreateAsync(TariffBody body, CsmsWriter writer, TimeProvider time, CancellationToken ct)
    {
        if (Check(body.Tariff) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var json = TariffCost.Write(body.Tariff);
        var record = await writer.ExecuteAsync(async db =>
        {
            if (body.IsDefault == true)
            {
                await db.Tariffs.Where(t => t.IsDefault).ExecuteUpdateAsync(u => u.SetProperty(t => t.IsDefault, false), CancellationToken.None).ConfigureAwait(false);
            }

            var t = new TariffRecord { Version = 1, Definition = json, IsDefault = body.IsDefault == true, CreatedAt = now, UpdatedAt = now };
            db.Tariffs.Add(t);
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            db.TariffVersions.Add(new TariffVersionRecord { TariffId = t.Id, Version = 1, Definition = json, CreatedAt = now });
            return t;
        }, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/tariffs/{record.Id}", View(record));
    }

    private static async Task<Results<Ok<TariffView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, TariffBody body, CsmsWriter writer, TimeProvider time, CancellationToken ct)
    {
        if (Check(body.Tariff) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        var json = TariffCost.Write(body.Tariff);
        var record = await writer.ExecuteAsync(async db =>
        {
            var t = await db.Tariffs.FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false);
            if (t is null)
            {
                return null;
            }

            if (body.IsDefault == true)
            {
                await db.Tariffs.Where(o => o.IsDefault && o.Id != id).ExecuteUpdateAsync(u => u.SetProperty(o => o.IsDefault, false), CancellationToken.None).ConfigureAwait(false);
            }

            t.Version++;
            t.Definition = json;
            t.IsDefault = body.IsDefault ?? t.IsDefault;
            t.UpdatedAt = now;
            db.TariffVersions.Add(new TariffVersionRecord { TariffId = t.Id, Version = t.Version, Definition = json, CreatedAt = now });
            return t;
        }, ct).ConfigureAwait(false);
        return record is null ? ApiResults.NotFound($"No tariff {id}.") : TypedResults.Ok(View(record));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CsmsWriter writer, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var found = await writer.ExecuteAsync(async db =>
        {
            var t = await db.Tariffs.FirstOrDefaultAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false);
            if (t is null)
            {
                return false;
            }

            t.Deleted = true;
            t.IsDefault = false;
            t.UpdatedAt = now;
            db.TariffAssignments.RemoveRange(await db.TariffAssignments.Where(a => a.TariffId == id).ToListAsync(CancellationToken.None).ConfigureAwait(false));
            return true;
        }, ct).ConfigureAwait(false);
        return found ? TypedResults.NoContent() : ApiResults.NotFound($"No tariff {id}.");
    }

    private static async Task<Results<Ok<TariffVersionView[]>, ProblemHttpResult>> VersionsAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Tariffs.AnyAsync(t => t.Id == id, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"No tariff {id}.");
        }

        var rows = await db.TariffVersions.AsNoTracking().Where(v => v.TariffId == id).OrderBy(v => v.Version).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(rows.Select(v => new TariffVersionView(v.Version, TariffCost.Parse(v.Definition), v.CreatedAt)).ToArray());
    }

    private static async Task<Results<Ok<TariffAssignmentView[]>, ProblemHttpResult>> AssignmentsAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Tariffs.AnyAsync(t => t.Id == id && !t.Deleted, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"No tariff {id}.");
        }

        var rows = await db.TariffAssignments.AsNoTracking().Where(a => a.TariffId == id).OrderBy(a => a.Id).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(rows.Select(a => new TariffAssignmentView(a.Id, a.TariffId, a.GroupIdToken, a.StationId, a.EvseId)).ToArray());
    }

    private static async Task<Results<Created<TariffAssignmentView>, ValidationProblem, ProblemHttpResult>> AssignAsync(long id, TariffAssignmentBody body, CsmsWriter writer, CancellationToken ct)
    {
        if ((body.GroupIdToken is null) == (body.StationId is null) || (body.EvseId is not null && body.StationId is null))
        {
            return ApiResults.Invalid("groupIdToken", "give either groupIdToken, or stationId (with evseId for an EVSE)");
        }

        var outcome = await writer.ExecuteAsync<(TariffAssignmentRecord? Row, ProblemHttpResult? Problem)>(async db =>
        {
            if (!await db.Tariffs.AnyAsync(t => t.Id == id && !t.Deleted, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, ApiResults.NotFound($"No tariff {id}."));
            }

            if (body.StationId is { } station && !await db.Stations.AnyAsync(s => s.Id == station, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, ApiResults.StationNotFound(station));
            }

            if (await db.TariffAssignments.AnyAsync(a => a.GroupIdToken == body.GroupIdToken && a.StationId == body.StationId && a.EvseId == body.EvseId, CancellationToken.None).ConfigureAwait(false))
            {
                return (null, ApiResults.Conflict("Already assigned", "A tariff is already assigned there; delete that assignment first."));
            }

            var row = new TariffAssignmentRecord { TariffId = id, GroupIdToken = body.GroupIdToken, StationId = body.StationId, EvseId = body.EvseId };
            db.TariffAssignments.Add(row);
            return (row, null);
        }, ct).ConfigureAwait(false);
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        var a = outcome.Row!;
        return TypedResults.Created($"/api/tariffs/{id}/assignments", new TariffAssignmentView(a.Id, a.TariffId, a.GroupIdToken, a.StationId, a.EvseId));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnassignAsync(long id, CsmsWriter writer, CancellationToken ct)
    {
        var removed = await writer.ExecuteAsync(async db => await db.TariffAssignments.Where(a => a.Id == id).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false) > 0, ct).ConfigureAwait(false);
        return removed ? TypedResults.NoContent() : ApiResults.NotFound($"No tariff assignment {id}.");
    }

    private static async Task<Results<Ok<TransactionCostView>, ProblemHttpResult>> CostAsync(string stationId, string transactionId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var c = await db.TransactionCosts.AsNoTracking().FirstOrDefaultAsync(c => c.StationId == stationId && c.TransactionId == transactionId, ct).ConfigureAwait(false);
        return c is null
            ? ApiResults.NotFound($"No cost for transaction '{transactionId}' of '{stationId}' (unknown, or no tariff applies).")
            : TypedResults.Ok(new TransactionCostView(c.StationId, c.TransactionId, c.TariffId, c.TariffVersion, c.Currency, c.Energy, c.Time, c.Idle, c.Fees, c.Tax, c.Total, c.EnergyKwh, c.Final, c.ComputedAt));
    }

    private static async Task<Results<Ok<TariffMessagesResult>, ValidationProblem, ProblemHttpResult>> SetMessagesAsync(
        string stationId, TariffMessagesBody body, IStationCallRouter router, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var data = new List<SetVariableDataType>();
        foreach (var (name, value) in new[] { ("TariffFallbackMessage", body.TariffFallbackMessage), ("TotalCostFallbackMessage", body.TotalCostFallbackMessage) })
        {
            if (value is null)
            {
                continue;
            }

            if (value.Length > 1000)
            {
                return ApiResults.Invalid(char.ToLowerInvariant(name[0]) + name[1..], "is at most 1000 characters long");
            }

            data.Add(new SetVariableDataType { AttributeValue = value, Component = new ComponentType { Name = "TariffCostCtrlr" }, Variable = new VariableType { Name = name } });
        }

        if (data.Count == 0)
        {
            return ApiResults.Invalid("tariffFallbackMessage", "give tariffFallbackMessage, totalCostFallbackMessage or both");
        }

        return await ApiResults.CallAsync<Results<Ok<TariffMessagesResult>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database,
            async t => TypedResults.Ok(new TariffMessagesResult((await router.CallAsync(stationId, new SetVariablesRequest { SetVariableData = data }, t).ConfigureAwait(false)).SetVariableResult)),
            p => p, ct).ConfigureAwait(false);
    }
}
