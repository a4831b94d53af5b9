using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
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

    private static ValidationProblem? Check(TariffDefinition t) => TariffQueries.Check(t) is { } bad ? ApiResults.Invalid(bad.Field, bad.Message) : null;

    private static async Task<Results<Ok<Page<TariffView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, TariffQueries tariffs, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        var (rows, total) = await tariffs.ListAsync(after, 0, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, t => t, t => Paging.Key(t.Id)));
    }

    private static async Task<Results<Ok<TariffView>, ProblemHttpResult>> GetAsync(long id, TariffQueries tariffs, CancellationToken ct) =>
        await tariffs.GetAsync(id, ct).ConfigureAwait(false) is { } t ? TypedResults.Ok(t) : ApiResults.NotFound($"No tariff {id}.");

    private static async Task<Results<Created<TariffView>, ValidationProblem>> CreateAsync(TariffBody body, TariffQueries tariffs, CancellationToken ct)
    {
        if (Check(body.Tariff) is { } invalid)
        {
            return invalid;
        }

        var view = await tariffs.CreateAsync(body.Tariff, body.IsDefault == true, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/tariffs/{view.Id}", view);
    }

    private static async Task<Results<Ok<TariffView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(long id, TariffBody body, TariffQueries tariffs, CancellationToken ct)
    {
        if (Check(body.Tariff) is { } invalid)
        {
            return invalid;
        }

        return await tariffs.UpdateAsync(id, body.Tariff, body.IsDefault, ct).ConfigureAwait(false) is { } view ? TypedResults.Ok(view) : ApiResults.NotFound($"No tariff {id}.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, TariffQueries tariffs, CancellationToken ct) =>
        await tariffs.DeleteAsync(id, ct).ConfigureAwait(false) ? TypedResults.NoContent() : ApiResults.NotFound($"No tariff {id}.");

    private static async Task<Results<Ok<TariffVersionView[]>, ProblemHttpResult>> VersionsAsync(long id, TariffQueries tariffs, CancellationToken ct) =>
        await tariffs.VersionsAsync(id, ct).ConfigureAwait(false) is { } versions ? TypedResults.Ok(versions) : ApiResults.NotFound($"No tariff {id}.");

    private static async Task<Results<Ok<TariffAssignmentView[]>, ProblemHttpResult>> AssignmentsAsync(long id, TariffQueries tariffs, CancellationToken ct) =>
        await tariffs.AssignmentsAsync(id, ct).ConfigureAwait(false) is { } rows ? TypedResults.Ok(rows) : ApiResults.NotFound($"No tariff {id}.");

    private static async Task<Results<Created<TariffAssignmentView>, ValidationProblem, ProblemHttpResult>> AssignAsync(long id, TariffAssignmentBody body, TariffQueries tariffs, CancellationToken ct)
    {
        if (TariffQueries.CheckAssignment(body.GroupIdToken, body.StationId, body.EvseId) is { } bad)
        {
            return ApiResults.Invalid(bad.Field, bad.Message);
        }

        var (assignment, outcome) = await tariffs.AssignAsync(id, body.GroupIdToken, body.StationId, body.EvseId, ct).ConfigureAwait(false);
        return outcome switch
        {
            TariffQueries.AssignOutcome.NoTariff => ApiResults.NotFound($"No tariff {id}."),
            TariffQueries.AssignOutcome.NoStation => ApiResults.StationNotFound(body.StationId!),
            TariffQueries.AssignOutcome.Conflict => ApiResults.Conflict("Already assigned", "A tariff is already assigned there; delete that assignment first."),
            _ => TypedResults.Created($"/api/tariffs/{id}/assignments", assignment!),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnassignAsync(long id, TariffQueries tariffs, CancellationToken ct) =>
        await tariffs.UnassignAsync(id, ct).ConfigureAwait(false) ? TypedResults.NoContent() : ApiResults.NotFound($"No tariff assignment {id}.");

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
