using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block K, smart charging: set a charging profile on a station (K01, K02, K16), list the profiles in force per EVSE as
/// the station accepted or reported them, clear them (K10), ask for a report (K09) and read it, get a composite schedule
/// (K08), the external limits the station reported (K11-K13) and a transaction's EV charging needs and schedules (K15-K17).
/// </summary>
internal static class ChargingProfilesApi
{
    private const string Tag = "SmartCharging";

    public static void Map(RouteGroupBuilder api)
    {
        var station = api.MapGroup("/stations/{stationId}").WithTags(Tag);
        var set = station.MapPost("/charging-profiles", SetAsync).WithName("setStationChargingProfile")
            .WithSummary("K01/K02/K16 Set a charging profile on an EVSE (0: the station); an Accepted one is stored as in force")
            .WithDescription("The body is the SetChargingProfile payload (evseId, chargingProfile). The CSMS refuses with 400 before sending what the station "
                + "must reject: ChargingStationExternalConstraints, a TxProfile without a transactionId or for a transaction not active at that EVSE, "
                + "a ChargingStationMaxProfile on an EVSE other than 0, periods not ascending or not starting at 0, Recurring without recurrencyKind, and so on. "
                + "An Accepted profile replaces the stored one of the same id, or of the same purpose and stackLevel on the EVSE.")
            .Accepts<SetChargingProfileRequest>("application/json");
        var list = station.MapGet("/charging-profiles", ListAsync).WithName("listChargingProfiles")
            .WithSummary("The charging profiles in force at the station, as it accepted or reported them, filtered by EVSE and purpose")
            .WithDescription("A TxProfile shows only while its transaction is active; a profile past its validTo does not show. source is Api, Balancer, Needs or Report.");
        var delete = station.MapDelete("/charging-profiles/{profileId:int}", DeleteAsync).WithName("deleteChargingProfile")
            .WithSummary("K10 Clear a charging profile by id (ClearChargingProfile); Accepted or Unknown removes the stored one");
        var clear = station.MapPost("/charging-profiles/clear", ClearAsync).WithName("clearChargingProfiles")
            .WithSummary("K10 Clear charging profiles by id or criteria (evseId, purpose, stackLevel; none: all)")
            .WithDescription("The body is the ClearChargingProfile payload. Accepted (or Unknown: the station holds none that matches) removes the stored profiles it matched.")
            .Accepts<ClearChargingProfileRequest>("application/json");
        var report = station.MapPost("/charging-profiles/report", ReportAsync).WithName("reportChargingProfiles")
            .WithSummary("K09 Ask the station for its charging profiles (GetChargingProfiles); the report is read by its requestId")
            .WithDescription("The body is the GetChargingProfiles payload; requestId may be left out (the CSMS chooses one). The ReportChargingProfiles parts are stored "
                + "as they arrive and their profiles as the station's truth; read them at charging-profile-reports/{requestId}.")
            .Accepts<GetChargingProfilesRequest>("application/json");
        var read = station.MapGet("/charging-profile-reports/{requestId:int}", ReadReportAsync).WithName("getChargingProfileReport")
            .WithSummary("K09 A charging-profile report: the station's answer and the parts received so far (complete once the last arrived)");
        var composite = station.MapGet("/composite-schedule", CompositeAsync).WithName("getCompositeSchedule")
            .WithSummary("K08 The composite schedule of an EVSE (0: the station) for a duration, in A or W (GetCompositeSchedule)");
        var limits = station.MapGet("/charging-limits", LimitsAsync).WithName("listChargingLimits")
            .WithSummary("K11-K13 The external charging limits the station reported (NotifyChargingLimit) and has not cleared, by EVSE and source");
        var needs = station.MapGet("/transactions/{transactionId}/charging-needs", NeedsAsync).WithName("getTransactionChargingNeeds")
            .WithSummary("K15-K17 A transaction's EV charging needs (with the TxProfile the CSMS sent for each) and the schedules the EV chose");
        foreach (var builder in new[] { set, delete, clear, report, composite })
        {
            foreach (var status in ApiResults.CallProblems)
            {
                builder.ProducesProblem(status);
            }
        }

        foreach (var builder in new[] { set, clear, report })
        {
            builder.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        }

        foreach (var builder in new[] { list, read, limits, needs })
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound);
        }
    }

    /// <summary>
    /// A charging profile in force: the EVSE it is on (0: the station), its id, purpose, stackLevel, kind and transactionId,
    /// where the CSMS learnt it (<c>source</c> Api, Balancer, Needs or Report), its <c>chargingLimitSource</c> and the profile itself.
    /// </summary>
    internal sealed record ChargingProfileView(
        int EvseId, int Id, string ChargingProfilePurpose, int StackLevel, string ChargingProfileKind, string? TransactionId, string Source,
        string ChargingLimitSource, DateTimeOffset UpdatedAt, ChargingProfileType ChargingProfile);

    /// <summary>What setting a profile gave: the station's status with its statusInfo, and the profile as stored when Accepted.</summary>
    internal sealed record ChargingProfileSetView(string Status, string? ReasonCode, string? AdditionalInfo, ChargingProfileView? Stored);

    /// <summary>What clearing gave: the station's status (Accepted, Unknown) with its statusInfo.</summary>
    internal sealed record ChargingProfileClearView(string Status, string? ReasonCode, string? AdditionalInfo);

    /// <summary>A report asked for: the requestId its parts carry and the station's answer (Accepted, NoProfiles).</summary>
    internal sealed record ChargingProfileReportStarted(int RequestId, string Status, string? ReasonCode);

    /// <summary>
    /// A report: its requestId, the EVSE asked about (null: all), the station's answer (null for a report the CSMS did not
    /// ask for), whether the last part arrived, and each ReportChargingProfiles part in arrival order.
    /// </summary>
    internal sealed record ChargingProfileReportView(
        int RequestId, int? EvseId, string? Status, bool Complete, DateTimeOffset RequestedAt, DateTimeOffset? CompletedAt, ReportChargingProfilesRequest[] Parts);

    /// <summary>An external limit in force: the EVSE (0: the station), its source (EMS, Other, SO, CSO), isGridCritical and its schedules.</summary>
    internal sealed record ChargingLimitView(int EvseId, string ChargingLimitSource, bool? IsGridCritical, ChargingScheduleType[] ChargingSchedule, DateTimeOffset ReceivedAt);

    /// <summary>
    /// An EV's charging needs as the station sent them, and what the CSMS did: <c>sentProfile</c> the TxProfile it computed
    /// and sent (null when a site balancer serves the needs), <c>sentStatus</c> how sending it went.
    /// </summary>
    internal sealed record ChargingNeedsView(int EvseId, int? MaxScheduleTuples, ChargingNeedsType ChargingNeeds, DateTimeOffset ReceivedAt, ChargingProfileType? SentProfile, string? SentStatus);

    /// <summary>A schedule the EV chose (NotifyEVChargingSchedule): its timeBase and schedule.</summary>
    internal sealed record EvChargingScheduleView(int EvseId, DateTimeOffset TimeBase, ChargingScheduleType ChargingSchedule, DateTimeOffset ReceivedAt);

    /// <summary>A transaction's charging needs and EV schedules, oldest first.</summary>
    internal sealed record TransactionChargingNeedsView(string TransactionId, ChargingNeedsView[] Needs, EvChargingScheduleView[] Schedules);

    private static ChargingProfileView View(ChargingProfileRecord r) => new(
        r.EvseId, r.ProfileId, r.Purpose, r.StackLevel, r.Kind, r.TransactionId, r.Source, r.LimitSource, r.UpdatedAt, SmartCharging.Profile(r));

    private static async Task<Results<Ok<ChargingProfileSetView>, ValidationProblem, ProblemHttpResult>> SetAsync(
        string stationId, HttpRequest http, SmartCharging block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var read = await OcppBody.ReadAsync(http, OcppActions.SetChargingProfile, null, ct).ConfigureAwait(false);
        if (read.Refused is { } refused)
        {
            return refused;
        }

        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var request = (SetChargingProfileRequest)read.Request!;
        if (await block.CheckAsync(stationId, request.EvseId, request.ChargingProfile, ct).ConfigureAwait(false) is { } problem)
        {
            return ApiResults.Invalid(problem.Field, problem.Reason);
        }

        return await ApiResults.CallAsync<Results<Ok<ChargingProfileSetView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var outcome = await block.SetAsync(stationId, request.EvseId, request.ChargingProfile, SmartCharging.FromApi, t).ConfigureAwait(false);
                if (outcome.Problem is { } late)
                {
                    return ApiResults.Invalid(late.Field, late.Reason);
                }

                var response = outcome.Response!;
                return TypedResults.Ok(new ChargingProfileSetView(
                    response.Status.ToWire(), response.StatusInfo?.ReasonCode, response.StatusInfo?.AdditionalInfo, outcome.Stored is { } s ? View(s) : null));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<Page<ChargingProfileView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId,
        [Description("an EVSE id (0: the station's own); leave it out for all")] int? evseId,
        [Description("ChargingStationMaxProfile, TxDefaultProfile, TxProfile or ChargingStationExternalConstraints; leave it out for all")] string? purpose,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        SmartCharging block,
        CsmsDatabase database,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        ChargingProfilePurposeEnumType? wanted = null;
        if (purpose is not null)
        {
            if (!ChargingProfilePurposeEnumTypeSchema.TryFromWire(purpose, out var parsed))
            {
                return ApiResults.Invalid("purpose", "must be one of " + string.Join(", ", Enum.GetValues<ChargingProfilePurposeEnumType>().Select(v => v.ToWire())));
            }

            wanted = parsed;
        }

        if (evseId is < 0)
        {
            return ApiResults.Invalid("evseId", "is 0 or more");
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var rows = await block.InForceAsync(stationId, evseId, wanted, ct).ConfigureAwait(false);
        var ordered = rows.OrderBy(r => r.Id).ToList();
        var page = ordered.Where(r => after is null || r.Id > after).Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Of(page, take, ordered.Count, View, r => Paging.Key(r.Id)));
    }

    private static async Task<Results<Ok<ChargingProfileClearView>, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string stationId, int profileId, SmartCharging block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (profileId <= 0)
        {
            return ApiResults.Invalid("profileId", "is above 0");
        }

        return await ApiResults.CallAsync<Results<Ok<ChargingProfileClearView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => ClearView(await block.ClearAsync(stationId, profileId, null, t).ConfigureAwait(false)), p => p, ct).ConfigureAwait(false);
    }

    private static Ok<ChargingProfileClearView> ClearView(ClearChargingProfileResponse response) =>
        TypedResults.Ok(new ChargingProfileClearView(response.Status.ToWire(), response.StatusInfo?.ReasonCode, response.StatusInfo?.AdditionalInfo));

    private static async Task<Results<Ok<ChargingProfileClearView>, ValidationProblem, ProblemHttpResult>> ClearAsync(
        string stationId, HttpRequest http, SmartCharging block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var read = await OcppBody.ReadAsync(http, OcppActions.ClearChargingProfile, null, ct).ConfigureAwait(false);
        if (read.Refused is { } refused)
        {
            return refused;
        }

        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        var request = (ClearChargingProfileRequest)read.Request!;
        if (request.ChargingProfileCriteria?.ChargingProfilePurpose == ChargingProfilePurposeEnumType.ChargingStationExternalConstraints)
        {
            return ApiResults.Invalid("chargingProfileCriteria.chargingProfilePurpose", "ChargingStationExternalConstraints are the station's own and cannot be cleared by the CSMS");
        }

        if (request.ChargingProfileCriteria is { EvseId: < 0 } or { StackLevel: < 0 } || request.ChargingProfileId is <= 0)
        {
            return ApiResults.Invalid(request.ChargingProfileId is <= 0 ? "chargingProfileId" : "chargingProfileCriteria", "ids and stackLevel are 0 or more (a profile id above 0)");
        }

        return await ApiResults.CallAsync<Results<Ok<ChargingProfileClearView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => ClearView(await block.ClearAsync(stationId, request.ChargingProfileId, request.ChargingProfileCriteria, t).ConfigureAwait(false)),
            p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ChargingProfileReportStarted>, ValidationProblem, ProblemHttpResult>> ReportAsync(
        string stationId, HttpRequest http, SmartCharging block, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        var read = await OcppBody.ReadAsync(http, OcppActions.GetChargingProfiles, body => body["requestId"] ??= block.NextRequestId(), ct).ConfigureAwait(false);
        if (read.Refused is { } refused)
        {
            return refused;
        }

        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        var request = (GetChargingProfilesRequest)read.Request!;
        if (request.EvseId is < 0)
        {
            return ApiResults.Invalid("evseId", "is 0 (the station's own profiles) or an EVSE id; leave it out for all");
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return await ApiResults.CallAsync<Results<Ok<ChargingProfileReportStarted>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t =>
            {
                var response = await block.RequestReportAsync(stationId, request, t).ConfigureAwait(false);
                return TypedResults.Ok(new ChargingProfileReportStarted(request.RequestId, response.Status.ToWire(), response.StatusInfo?.ReasonCode));
            }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ChargingProfileReportView>, ValidationProblem, ProblemHttpResult>> ReadReportAsync(
        string stationId, int requestId, SmartCharging block, CsmsDatabase database, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var report = await block.ReadReportAsync(stationId, requestId, ct).ConfigureAwait(false);
        if (report is null)
        {
            return ApiResults.NotFound($"'{stationId}' has no charging-profile report {requestId}.");
        }

        var r = report.Record;
        return TypedResults.Ok(new ChargingProfileReportView(r.RequestId, r.EvseId, r.Status, r.Complete, r.RequestedAt, r.CompletedAt, [.. report.Parts]));
    }

    private static async Task<Results<Ok<GetCompositeScheduleResponse>, ValidationProblem, ProblemHttpResult>> CompositeAsync(
        string stationId,
        [Description("the EVSE (0: the station as a whole)")] int? evseId,
        [Description("seconds from now the schedule covers, above 0")] int? duration,
        [Description("A or W; leave it out for the station's choice")] string? unit,
        SmartCharging block,
        ApiOptions options,
        CsmsDatabase database,
        CancellationToken ct)
    {
        if (evseId is not { } evse || evse < 0)
        {
            return ApiResults.Invalid("evseId", "is required: 0 (the station) or an EVSE id");
        }

        if (duration is not { } seconds || seconds <= 0)
        {
            return ApiResults.Invalid("duration", "is required: the seconds the schedule covers, above 0");
        }

        ChargingRateUnitEnumType? rate = null;
        if (unit is not null)
        {
            if (!ChargingRateUnitEnumTypeSchema.TryFromWire(unit, out var parsed))
            {
                return ApiResults.Invalid("unit", "is A or W");
            }

            rate = parsed;
        }

        return await ApiResults.CallAsync<Results<Ok<GetCompositeScheduleResponse>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => TypedResults.Ok(await block.GetCompositeScheduleAsync(stationId, evse, seconds, rate, t).ConfigureAwait(false)), p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<Page<ChargingLimitView>>, ValidationProblem, ProblemHttpResult>> LimitsAsync(
        string stationId,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        CsmsDatabase database,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = db.ChargingLimits.AsNoTracking().Where(l => l.StationId == stationId);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(l => l.Id > a);
        }

        var rows = await query.OrderBy(l => l.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, LimitView, r => Paging.Key(r.Id)));
    }

    private static ChargingLimitView LimitView(ChargingLimitRecord r)
    {
        var notified = JsonSerializer.Deserialize(r.Limit, OcppJsonContext.Default.NotifyChargingLimitRequest);
        return new(r.EvseId, r.Source, r.IsGridCritical, [.. notified?.ChargingSchedule ?? []], r.ReceivedAt);
    }

    private static async Task<Results<Ok<TransactionChargingNeedsView>, ValidationProblem, ProblemHttpResult>> NeedsAsync(
        string stationId, string transactionId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var needs = await db.EvChargingNeeds.AsNoTracking().Where(n => n.StationId == stationId && n.TransactionId == transactionId).OrderBy(n => n.Id).ToListAsync(ct).ConfigureAwait(false);
        var schedules = await db.EvChargingSchedules.AsNoTracking().Where(n => n.StationId == stationId && n.TransactionId == transactionId).OrderBy(n => n.Id).ToListAsync(ct).ConfigureAwait(false);
        if (needs.Count == 0 && schedules.Count == 0
            && !await db.Transactions.AsNoTracking().AnyAsync(t => t.StationId == stationId && t.TransactionId == transactionId, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"'{stationId}' has no transaction '{transactionId}'.");
        }

        return TypedResults.Ok(new TransactionChargingNeedsView(
            transactionId,
            [.. needs.Select(n => new ChargingNeedsView(
                n.EvseId,
                n.MaxScheduleTuples,
                JsonSerializer.Deserialize(n.Needs, OcppJsonContext.Default.ChargingNeedsType)!,
                n.ReceivedAt,
                n.SentProfile is null ? null : JsonSerializer.Deserialize(n.SentProfile, OcppJsonContext.Default.ChargingProfileType),
                n.SentStatus))],
            [.. schedules.Select(s => new EvChargingScheduleView(s.EvseId, s.TimeBase, JsonSerializer.Deserialize(s.Schedule, OcppJsonContext.Default.ChargingScheduleType)!, s.ReceivedAt))]));
    }
}
