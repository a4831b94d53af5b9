using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block K, Smart charging, on the CSMS side. The CSMS keeps, per station and EVSE, the charging profiles the station
/// holds (<see cref="ChargingProfileRecord"/>), so that the API shows the profiles in force:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>K01/K02/K16 SetChargingProfile: checked before sending (<see cref="ChargingProfileRules"/>, and a TxProfile's
/// transaction must be active at that EVSE); Accepted stores it, replacing the stored profile of the same id, or of the
/// same purpose and stackLevel on the same EVSE (of the same transaction for a TxProfile), as the station does
/// (K01.FR.05, FR.06). Any other answer changes nothing.</item>
/// <item>K10 ClearChargingProfile: Accepted removes what it matched (by id, else by the criteria given; a station's
/// ChargingStationExternalConstraints are never cleared); Unknown (the station holds none that matches) removes the
/// stored ones that match too, as the station does not hold them.</item>
/// <item>K09 GetChargingProfiles: the request is stored (<see cref="ChargingProfileReportRecord"/>) before it is sent;
/// each ReportChargingProfiles part is stored with its report, and its profiles stored as the station's truth (source
/// Report); the last part (tbc false) of a report the CSMS asked for removes the stored profiles of the EVSEs asked
/// about (every EVSE when none was given) that match its criteria and that no part named. NoProfiles removes those too.</item>
/// <item>A TxProfile of a transaction that is no longer active is not in force: it is not shown, and it is removed on the
/// station's next charging-profile write.</item>
/// <item>K08 GetCompositeSchedule is relayed. K11-K13 NotifyChargingLimit / ClearedChargingLimit are stored per station,
/// EVSE and source (<see cref="ChargingLimitRecord"/>).</item>
/// <item>K15/K17 NotifyEVChargingNeeds is stored with the EVSE's active transaction and answered Accepted (Rejected, still stored, with NoChargingParameters when it gives neither AC nor DC parameters, with NoTransaction when the EVSE has no active transaction); unless a site
/// balancer takes it (<see cref="ISmartChargingSignals.ChargingNeedsStored"/>), the CSMS computes the TxProfile that
/// serves the needs (<see cref="ChargingScheduleFit"/>) and sends it in the background. NotifyEVChargingSchedule is
/// stored and answered Accepted.</item>
/// </list>
/// </remarks>
public sealed class SmartCharging(
    CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, StationMessageStore messages, BackgroundWork background, TimeProvider time,
    ILogger<SmartCharging> logger, ISmartChargingSignals? signals = null) : IChargingProfileSender
{
    /// <summary>Where a stored profile came from: set through the API.</summary>
    public const string FromApi = "Api";

    /// <summary>Where a stored profile came from: set by a site balancer (through <see cref="IChargingProfileSender"/>).</summary>
    public const string FromBalancer = "Balancer";

    /// <summary>Where a stored profile came from: a ReportChargingProfiles.</summary>
    public const string FromReport = "Report";

    /// <summary>Where a stored profile came from: computed by the CSMS for an EV's charging needs (K15).</summary>
    public const string FromNeeds = "Needs";

    /// <summary>The id of the TxProfile the CSMS computes for an EV's needs is this plus the EVSE id: one per EVSE, replaced by the next needs (K17).</summary>
    public const int NeedsProfileIdBase = 1_000_000;

    /// <summary>The stackLevel of the TxProfile the CSMS computes for an EV's needs.</summary>
    public const int NeedsStackLevel = 0;

    /// <summary>The reasonCode of a NotifyEVChargingNeeds answered Rejected because it gives neither AC nor DC charging parameters.</summary>
    public const string NoParametersReason = "NoChargingParameters";

    /// <summary>The reasonCode of a NotifyEVChargingNeeds answered Rejected because its EVSE has no active transaction.</summary>
    public const string NoTransactionReason = "NoTransaction";

    private const string Cso = "CSO";

    private int _lastRequestId = (Environment.TickCount & 0x3FFFFFFF) ^ 0x3C3C3;

    /// <summary>How a SetChargingProfile went: refused by the CSMS before sending (<see cref="Problem"/>), or the station's answer and, when Accepted, what is stored.</summary>
    public sealed record SetOutcome(ChargingProfileProblem? Problem, SetChargingProfileResponse? Response, ChargingProfileRecord? Stored);

    /// <summary>A report and its parts, as stored.</summary>
    public sealed record Report(ChargingProfileReportRecord Record, IReadOnlyList<ReportChargingProfilesRequest> Parts);

    /// <summary>A request id for a GetChargingProfiles, unique in this process.</summary>
    public int NextRequestId() => Interlocked.Increment(ref _lastRequestId) & 0x7FFFFFFF;

    /// <summary>A stored profile as the ChargingProfileType the station holds.</summary>
    public static ChargingProfileType Profile(ChargingProfileRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Deserialize(record.Profile, OcppJsonContext.Default.ChargingProfileType)
            ?? throw new InvalidOperationException($"Charging profile {record.ProfileId} of {record.StationId} is stored without its content.");
    }

    /// <summary>
    /// K01: what is wrong with sending <paramref name="profile"/> to <paramref name="evseId"/> of the station: a rule of
    /// <see cref="ChargingProfileRules"/>, or a TxProfile whose transaction is not active at that station and EVSE.
    /// </summary>
    public async Task<ChargingProfileProblem?> CheckAsync(string stationId, int evseId, ChargingProfileType profile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (ChargingProfileRules.Check(evseId, profile, time.GetUtcNow()) is { } problem)
        {
            return problem;
        }

        if (profile.ChargingProfilePurpose != ChargingProfilePurposeEnumType.TxProfile)
        {
            return null;
        }

        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var tx = await db.Transactions.AsNoTracking().Where(t => t.StationId == stationId && t.TransactionId == profile.TransactionId)
                .Select(t => new { t.State, t.EvseId }).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (tx is null || tx.State != Transactions.Active)
            {
                return new("chargingProfile.transactionId", $"transaction '{profile.TransactionId}' is not active at '{stationId}'{(tx is null ? " (unknown to the CSMS)" : " (it ended)")}");
            }

            if (tx.EvseId is { } txEvse && txEvse != evseId)
            {
                return new("evseId", $"transaction '{profile.TransactionId}' runs on EVSE {txEvse}, not {evseId}");
            }
        }

        return null;
    }

    // K01 Set Charging Profile, K02 Central Smart Charging, K16 Renegotiation initiated by the CSMS: checked, sent, Accepted stored.
    /// <summary>
    /// Checks and sends <paramref name="profile"/>; an Accepted one is stored as in force with <paramref name="source"/>.
    /// Throws as the router does when there is no answer (not connected, timeout, CALLERROR, closed connection).
    /// </summary>
    public async Task<SetOutcome> SetAsync(string stationId, int evseId, ChargingProfileType profile, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (await CheckAsync(stationId, evseId, profile, cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return new(problem, null, null);
        }

        var response = await router.CallAsync(stationId, new SetChargingProfileRequest { EvseId = evseId, ChargingProfile = profile }, cancellationToken).ConfigureAwait(false);
        if (response.Status != ChargingProfileStatusEnumType.Accepted)
        {
            logger.LogInformation("{StationId} answered {Status} ({Reason}) to charging profile {Id} for EVSE {EvseId}",
                stationId, response.Status.ToWire(), response.StatusInfo?.ReasonCode, profile.Id, evseId);
            return new(null, response, null);
        }

        var stored = await writer.ExecuteForStationAsync(stationId, db => StoreAsync(db, stationId, evseId, profile, source, Cso), CancellationToken.None).ConfigureAwait(false);
        return new(null, response, stored);
    }

    /// <inheritdoc/>
    public async Task<ChargingProfileSendResult> SetChargingProfileAsync(string stationId, int evseId, ChargingProfileType profile, CancellationToken cancellationToken) =>
        await SendAsync(stationId, async () =>
        {
            var outcome = await SetAsync(stationId, evseId, profile, FromBalancer, cancellationToken).ConfigureAwait(false);
            return outcome.Problem is { } problem
                ? new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, $"refused by the CSMS before sending: {problem.Field}: {problem.Reason}")
                : Result(outcome.Response!.Status == ChargingProfileStatusEnumType.Accepted, outcome.Response.StatusInfo);
        }).ConfigureAwait(false);

    // K10 Clear Charging Profile: Accepted (or Unknown) removes what it matched.
    /// <summary>
    /// Sends ClearChargingProfile by <paramref name="chargingProfileId"/>, else by <paramref name="criteria"/> (neither:
    /// every profile); Accepted or Unknown removes the stored profiles it matched. Throws as the router does.
    /// </summary>
    public async Task<ClearChargingProfileResponse> ClearAsync(string stationId, int? chargingProfileId, ClearChargingProfileType? criteria, CancellationToken cancellationToken)
    {
        var response = await router.CallAsync(stationId, new ClearChargingProfileRequest { ChargingProfileId = chargingProfileId, ChargingProfileCriteria = criteria }, cancellationToken).ConfigureAwait(false);
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            await FlushAsync(db).ConfigureAwait(false);
            var held = await db.ChargingProfiles.Where(p => p.StationId == stationId).ToListAsync().ConfigureAwait(false);
            db.ChargingProfiles.RemoveRange(held.Where(p => ClearMatches(p, chargingProfileId, criteria)));
        }, CancellationToken.None).ConfigureAwait(false);
        return response;
    }

    /// <inheritdoc/>
    public async Task<ChargingProfileSendResult> ClearChargingProfileAsync(string stationId, int? chargingProfileId, ClearChargingProfileType? criteria, CancellationToken cancellationToken) =>
        await SendAsync(stationId, async () =>
        {
            var response = await ClearAsync(stationId, chargingProfileId, criteria, cancellationToken).ConfigureAwait(false);
            return Result(response.Status == ClearChargingProfileStatusEnumType.Accepted, response.StatusInfo, response.Status.ToWire());
        }).ConfigureAwait(false);

    /// <summary>Whether a stored profile is what a ClearChargingProfile of <paramref name="id"/> or <paramref name="criteria"/> clears.</summary>
    public static bool ClearMatches(ChargingProfileRecord record, int? id, ClearChargingProfileType? criteria)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Purpose == ChargingProfilePurposeEnumType.ChargingStationExternalConstraints.ToWire())
        {
            return false;
        }

        if (id is { } profileId)
        {
            return record.ProfileId == profileId;
        }

        return criteria is null
            || ((criteria.EvseId is not { } e || record.EvseId == e)
                && (criteria.ChargingProfilePurpose is not { } p || record.Purpose == p.ToWire())
                && (criteria.StackLevel is not { } s || record.StackLevel == s));
    }

    // K08 Get Composite Schedule: relayed.
    /// <summary>Asks the station for the composite schedule of an EVSE (0: the station) for <paramref name="duration"/> seconds. Throws as the router does.</summary>
    public Task<GetCompositeScheduleResponse> GetCompositeScheduleAsync(string stationId, int evseId, int duration, ChargingRateUnitEnumType? unit, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, new GetCompositeScheduleRequest { EvseId = evseId, Duration = duration, ChargingRateUnit = unit }, cancellationToken);

    // K09 Get Charging Profiles: the request is stored, sent, and its answer stored; the parts come as ReportChargingProfiles.
    /// <summary>
    /// Stores the report asked for and sends GetChargingProfiles (its requestId as given). The answer is stored with the
    /// report; NoProfiles completes it and removes the stored profiles it covers. Throws as the router does.
    /// </summary>
    public async Task<GetChargingProfilesResponse> RequestReportAsync(string stationId, GetChargingProfilesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reportId = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var record = new ChargingProfileReportRecord
            {
                StationId = stationId,
                RequestId = request.RequestId,
                EvseId = request.EvseId,
                Criteria = JsonSerializer.Serialize(request.ChargingProfile, OcppJsonContext.Default.ChargingProfileCriterionType),
                RequestedAt = time.GetUtcNow(),
            };
            db.ChargingProfileReports.Add(record);
            await db.SaveChangesAsync().ConfigureAwait(false);
            return record.Id;
        }, cancellationToken).ConfigureAwait(false);

        GetChargingProfilesResponse response;
        try
        {
            response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StationNotConnectedException)
        {
            // Nothing was sent: no report will come.
            await writer.ExecuteForStationAsync(stationId, async db =>
            {
                if (await db.ChargingProfileReports.FindAsync(reportId).ConfigureAwait(false) is { } record)
                {
                    db.ChargingProfileReports.Remove(record);
                }
            }, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            await FlushAsync(db).ConfigureAwait(false);
            var record = await db.ChargingProfileReports.FindAsync(reportId).ConfigureAwait(false);
            if (record is null)
            {
                return;
            }

            record.Status = response.Status.ToWire();
            if (response.Status == GetChargingProfileStatusEnumType.NoProfiles && !record.Complete)
            {
                record.Complete = true;
                record.CompletedAt = time.GetUtcNow();
                await RemoveUnreportedAsync(db, record, []).ConfigureAwait(false);
            }
        }, CancellationToken.None).ConfigureAwait(false);
        return response;
    }

    /// <summary>The latest report of <paramref name="requestId"/> at the station with its parts, or null.</summary>
    public async Task<Report?> ReadReportAsync(string stationId, int requestId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var record = await db.ChargingProfileReports.AsNoTracking().Where(r => r.StationId == stationId && r.RequestId == requestId)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (record is null)
            {
                return null;
            }

            var parts = await db.ChargingProfileReportParts.AsNoTracking().Where(p => p.ReportId == record.Id).OrderBy(p => p.Id)
                .Select(p => p.Part).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new Report(record, [.. parts.Select(p => JsonSerializer.Deserialize(p, OcppJsonContext.Default.ReportChargingProfilesRequest)!)]);
        }
    }

    /// <summary>
    /// The profiles in force at the station (optionally of one EVSE and purpose), by EVSE and id: a TxProfile only while
    /// its transaction is active, and none past its validTo.
    /// </summary>
    public async Task<List<ChargingProfileRecord>> InForceAsync(string stationId, int? evseId, ChargingProfilePurposeEnumType? purpose, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var query = db.ChargingProfiles.AsNoTracking().Where(p => p.StationId == stationId);
            if (evseId is { } e)
            {
                query = query.Where(p => p.EvseId == e);
            }

            if (purpose is { } p)
            {
                var wire = p.ToWire();
                query = query.Where(r => r.Purpose == wire);
            }

            var rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
            var active = await ActiveTransactionsAsync(db, stationId).ConfigureAwait(false);
            var now = time.GetUtcNow();
            return [.. rows.Where(r => IsInForce(r, active, now)).OrderBy(r => r.EvseId).ThenBy(r => r.ProfileId)];
        }
    }

    // K09: each ReportChargingProfiles part is stored with its report and its profiles as the station holds them.
    public async ValueTask<ReportChargingProfilesResponse> ReportChargingProfilesAsync(ReportChargingProfilesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var last = request.Tbc != true;
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            await FlushAsync(db).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var report = await db.ChargingProfileReports.Where(r => r.StationId == stationId && r.RequestId == request.RequestId)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync().ConfigureAwait(false);
            if (report is null || (report.Complete && report.Criteria is null))
            {
                logger.LogDebug("{StationId} reported charging profiles for request {RequestId}, which the CSMS did not ask for: stored, nothing removed", stationId, request.RequestId);
                report = new ChargingProfileReportRecord { StationId = stationId, RequestId = request.RequestId, RequestedAt = now };
                db.ChargingProfileReports.Add(report);
                await db.SaveChangesAsync().ConfigureAwait(false);
            }

            db.ChargingProfileReportParts.Add(new ChargingProfileReportPartRecord
            {
                ReportId = report.Id,
                EvseId = request.EvseId,
                LimitSource = request.ChargingLimitSource.ToWire(),
                Tbc = request.Tbc == true,
                Part = JsonSerializer.Serialize(request, OcppJsonContext.Default.ReportChargingProfilesRequest),
                ReceivedAt = now,
            });
            foreach (var profile in request.ChargingProfile)
            {
                await UpsertReportedAsync(db, stationId, request.EvseId, profile, request.ChargingLimitSource.ToWire(), now).ConfigureAwait(false);
            }

            if (last && !report.Complete)
            {
                report.Complete = true;
                report.CompletedAt = now;
                if (report.Criteria is not null)
                {
                    await db.SaveChangesAsync().ConfigureAwait(false);
                    var parts = await db.ChargingProfileReportParts.AsNoTracking().Where(p => p.ReportId == report.Id).Select(p => p.Part).ToListAsync().ConfigureAwait(false);
                    var named = parts.Select(p => JsonSerializer.Deserialize(p, OcppJsonContext.Default.ReportChargingProfilesRequest)!)
                        .SelectMany(p => p.ChargingProfile.Select(c => (p.EvseId, c.Id))).ToHashSet();
                    await RemoveUnreportedAsync(db, report, named).ConfigureAwait(false);
                }
            }
        }, Math.Max(1, request.ChargingProfile.Count), cancellationToken).ConfigureAwait(false);
        return new ReportChargingProfilesResponse();
    }

    // K11 Set / Update External Charging Limit with ongoing transaction, K12 without: stored per station, EVSE and source.
    public async ValueTask<NotifyChargingLimitResponse> NotifyChargingLimitAsync(NotifyChargingLimitRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var evseId = request.EvseId ?? 0;
        var source = request.ChargingLimit.ChargingLimitSource.ToWire();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            await FlushAsync(db).ConfigureAwait(false);
            var record = await db.ChargingLimits.FirstOrDefaultAsync(l => l.StationId == stationId && l.EvseId == evseId && l.Source == source).ConfigureAwait(false);
            if (record is null)
            {
                record = new ChargingLimitRecord { StationId = stationId, EvseId = evseId, Source = source, Limit = "" };
                db.ChargingLimits.Add(record);
            }

            record.IsGridCritical = request.ChargingLimit.IsGridCritical;
            record.Limit = JsonSerializer.Serialize(request, OcppJsonContext.Default.NotifyChargingLimitRequest);
            record.ReceivedAt = time.GetUtcNow();
        }, cancellationToken).ConfigureAwait(false);
        return new NotifyChargingLimitResponse();
    }

    // K13 Reset / release External Charging Limit: the limit of that source (and EVSE; none given: every EVSE) is removed.
    public async ValueTask<ClearedChargingLimitResponse> ClearedChargingLimitAsync(ClearedChargingLimitRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var source = request.ChargingLimitSource.ToWire();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            await FlushAsync(db).ConfigureAwait(false);
            var query = db.ChargingLimits.Where(l => l.StationId == stationId && l.Source == source);
            if (request.EvseId is { } evseId)
            {
                query = query.Where(l => l.EvseId == evseId);
            }

            db.ChargingLimits.RemoveRange(await query.ToListAsync().ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        return new ClearedChargingLimitResponse();
    }

    // K15 Charging with load leveling based on High Level Communication, K17 Renegotiation initiated by the EV: stored with
    // the transaction and Accepted; the TxProfile that serves the needs is computed and sent after the answer, unless a
    // site balancer takes it.
    public async ValueTask<NotifyEVChargingNeedsResponse> NotifyEVChargingNeedsAsync(NotifyEVChargingNeedsRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var (recordId, transactionId) = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var tx = await ActiveTransactionAsync(db, stationId, request.EvseId).ConfigureAwait(false);
            var record = new EvChargingNeedsRecord
            {
                StationId = stationId,
                EvseId = request.EvseId,
                TransactionId = tx,
                MaxScheduleTuples = request.MaxScheduleTuples,
                Needs = JsonSerializer.Serialize(request.ChargingNeeds, OcppJsonContext.Default.ChargingNeedsType),
                ReceivedAt = time.GetUtcNow(),
            };
            db.EvChargingNeeds.Add(record);
            await db.SaveChangesAsync().ConfigureAwait(false);
            return (record.Id, tx);
        }, cancellationToken).ConfigureAwait(false);

        if (request.ChargingNeeds.AcChargingParameters is null && request.ChargingNeeds.DcChargingParameters is null)
        {
            // Nothing says what the EV can take: no schedule will be provided.
            return new NotifyEVChargingNeedsResponse
            {
                Status = NotifyEVChargingNeedsStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = NoParametersReason, AdditionalInfo = "The needs give neither acChargingParameters nor dcChargingParameters; no schedule can be computed." },
            };
        }

        if (transactionId is null)
        {
            // K15.FR.04: no TxProfile can be set without a transaction, so none will come; the station keeps its own limits.
            logger.LogInformation("{StationId} sent charging needs for EVSE {EvseId}, which has no active transaction: stored, Rejected", stationId, request.EvseId);
            return new NotifyEVChargingNeedsResponse
            {
                Status = NotifyEVChargingNeedsStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = NoTransactionReason, AdditionalInfo = $"EVSE {request.EvseId} has no active transaction known to the CSMS: no TxProfile can be set for it." },
            };
        }

        if (signals?.ChargingNeedsStored(stationId, request.EvseId, transactionId) != true)
        {
            background.Start($"K15 TxProfile for the charging needs of {stationId} EVSE {request.EvseId}", t => ServeNeedsAsync(recordId, t));
        }

        return new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Accepted };
    }

    // K15, K17: the schedule the EV chose is stored with the transaction and Accepted.
    public async ValueTask<NotifyEVChargingScheduleResponse> NotifyEVChargingScheduleAsync(NotifyEVChargingScheduleRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            db.EvChargingSchedules.Add(new EvChargingScheduleRecord
            {
                StationId = stationId,
                EvseId = request.EvseId,
                TransactionId = await ActiveTransactionAsync(db, stationId, request.EvseId).ConfigureAwait(false),
                TimeBase = request.TimeBase,
                Schedule = JsonSerializer.Serialize(request.ChargingSchedule, OcppJsonContext.Default.ChargingScheduleType),
                ReceivedAt = time.GetUtcNow(),
            });
        }, cancellationToken).ConfigureAwait(false);
        return new NotifyEVChargingScheduleResponse { Status = GenericStatusEnumType.Accepted };
    }

    /// <summary>
    /// K15: the TxProfile that serves stored needs: <see cref="ChargingScheduleFit"/> within the EV's maximum and the
    /// station's limits for the EVSE known to the CSMS at <paramref name="now"/> (the ChargingStationMaxProfile,
    /// TxDefaultProfile and external limits in force), Absolute from now. Null when the needs give no AC or DC parameters.
    /// </summary>
    public static ChargingProfileType? NeedsProfile(
        ChargingNeedsType needs, int evseId, string transactionId, int? maxScheduleTuples, DateTimeOffset now, IEnumerable<(decimal Limit, ChargingRateUnitEnumType Unit)> limits)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(limits);
        decimal? a = null, w = null;
        foreach (var (limit, unit) in limits)
        {
            if (unit == ChargingRateUnitEnumType.A)
            {
                a = Math.Min(a ?? decimal.MaxValue, limit);
            }
            else
            {
                w = Math.Min(w ?? decimal.MaxValue, limit);
            }
        }

        var schedule = ChargingScheduleFit.Fit(needs, maxScheduleTuples, now, a, w);
        return schedule is null ? null : new ChargingProfileType
        {
            Id = NeedsProfileIdBase + evseId,
            StackLevel = NeedsStackLevel,
            ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxProfile,
            ChargingProfileKind = ChargingProfileKindEnumType.Absolute,
            TransactionId = transactionId,
            ChargingSchedule = [schedule],
        };
    }

    private async Task ServeNeedsAsync(long recordId, CancellationToken cancellationToken)
    {
        EvChargingNeedsRecord? needs;
        List<(decimal, ChargingRateUnitEnumType)> limits;
        var now = time.GetUtcNow();
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            needs = await db.EvChargingNeeds.AsNoTracking().FirstOrDefaultAsync(n => n.Id == recordId, cancellationToken).ConfigureAwait(false);
            if (needs?.TransactionId is null)
            {
                return;
            }

            limits = await LimitsAsync(db, needs.StationId, needs.EvseId, now, cancellationToken).ConfigureAwait(false);
        }

        var ev = JsonSerializer.Deserialize(needs.Needs, OcppJsonContext.Default.ChargingNeedsType)!;
        var profile = NeedsProfile(ev, needs.EvseId, needs.TransactionId, needs.MaxScheduleTuples, now, limits);
        string status;
        if (profile is null)
        {
            status = "NotSent: the needs give neither AC nor DC charging parameters";
        }
        else
        {
            var result = await SendAsync(needs.StationId, async () =>
            {
                var outcome = await SetAsync(needs.StationId, needs.EvseId, profile, FromNeeds, cancellationToken).ConfigureAwait(false);
                return outcome.Problem is { } problem
                    ? new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, $"refused by the CSMS before sending: {problem.Field}: {problem.Reason}")
                    : Result(outcome.Response!.Status == ChargingProfileStatusEnumType.Accepted, outcome.Response.StatusInfo);
            }).ConfigureAwait(false);
            status = result.Detail is null ? result.Status.ToString() : $"{result.Status}: {result.Detail}";
            if (!result.Accepted)
            {
                logger.LogWarning("The TxProfile for the charging needs of {StationId} EVSE {EvseId} was not set: {Status}", needs.StationId, needs.EvseId, status);
            }
        }

        await writer.ExecuteForStationAsync(needs.StationId, async w =>
        {
            if (await w.EvChargingNeeds.FindAsync(recordId).ConfigureAwait(false) is { } record)
            {
                record.SentProfile = profile is null ? null : JsonSerializer.Serialize(profile, OcppJsonContext.Default.ChargingProfileType);
                record.SentStatus = status.Length > 300 ? status[..300] : status;
            }
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The limits for an EVSE the CSMS knows in force at <paramref name="now"/>: the highest-stackLevel ChargingStationMaxProfile and TxDefaultProfile (of the EVSE, else of EVSE 0), and the external limits of the EVSE and the station.</summary>
    private static async Task<List<(decimal, ChargingRateUnitEnumType)>> LimitsAsync(CsmsDbContext db, string stationId, int evseId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limits = new List<(decimal, ChargingRateUnitEnumType)>();
        var profiles = (await db.ChargingProfiles.AsNoTracking().Where(p => p.StationId == stationId && (p.EvseId == 0 || p.EvseId == evseId))
            .ToListAsync(cancellationToken).ConfigureAwait(false)).Select(r => (r.EvseId, Profile: Profile(r))).ToList();
        var inForce = profiles.Select(p => (p.EvseId, p.Profile, Limit: ChargingProfileRules.LimitAt(p.Profile, now)))
            .Where(p => p.Limit is not null).ToList();
        var max = inForce.Where(p => p.EvseId == 0 && p.Profile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.ChargingStationMaxProfile)
            .OrderByDescending(p => p.Profile.StackLevel).FirstOrDefault();
        if (max.Limit is { } m)
        {
            limits.Add(m);
        }

        var txDefault = inForce.Where(p => p.Profile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.TxDefaultProfile)
            .OrderByDescending(p => p.EvseId == evseId).ThenByDescending(p => p.Profile.StackLevel).FirstOrDefault();
        if (txDefault.Limit is { } d)
        {
            limits.Add(d);
        }

        var external = await db.ChargingLimits.AsNoTracking().Where(l => l.StationId == stationId && (l.EvseId == 0 || l.EvseId == evseId))
            .Select(l => l.Limit).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var json in external)
        {
            var notified = JsonSerializer.Deserialize(json, OcppJsonContext.Default.NotifyChargingLimitRequest);
            foreach (var schedule in notified?.ChargingSchedule ?? [])
            {
                var wrapped = new ChargingProfileType
                {
                    Id = 1,
                    StackLevel = 0,
                    ChargingProfilePurpose = ChargingProfilePurposeEnumType.ChargingStationExternalConstraints,
                    ChargingProfileKind = schedule.StartSchedule is null ? ChargingProfileKindEnumType.Relative : ChargingProfileKindEnumType.Absolute,
                    ChargingSchedule = [schedule],
                };
                if (ChargingProfileRules.LimitAt(wrapped, now) is { } l)
                {
                    limits.Add(l);
                }
            }
        }

        return limits;
    }

    private static async Task<ChargingProfileSendResult> SendAsync(string stationId, Func<Task<ChargingProfileSendResult>> send)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (StationNotConnectedException)
        {
            return new(ChargingProfileSendStatus.NotConnected, $"'{stationId}' is not connected");
        }
        catch (Exception ex) when (ex is OcppCallTimeoutException or OcppConnectionClosedException)
        {
            return new(ChargingProfileSendStatus.NoAnswer, ex.Message);
        }
        catch (OcppCallErrorException ex)
        {
            return new(ChargingProfileSendStatus.CallError, $"{ex.Code.ToWire()}: {ex.Description}");
        }
        catch (OcppPayloadException ex)
        {
            return new(ChargingProfileSendStatus.CallError, ex.Error.ToString());
        }
    }

    private static ChargingProfileSendResult Result(bool accepted, StatusInfoType? info, string? status = null) =>
        accepted ? new(ChargingProfileSendStatus.Accepted) : new(ChargingProfileSendStatus.Rejected, info?.ReasonCode ?? status);

    private static bool IsInForce(ChargingProfileRecord record, HashSet<string> activeTransactions, DateTimeOffset now)
    {
        if (record.Purpose == ChargingProfilePurposeEnumType.TxProfile.ToWire() && (record.TransactionId is null || !activeTransactions.Contains(record.TransactionId)))
        {
            return false;
        }

        return Profile(record).ValidTo is not { } to || to > now;
    }

    /// <summary>
    /// Saves what earlier work of the writer's batch added, so that the queries of this work see it (a query reads the
    /// database, not what the context holds unsaved); nothing is committed before the batch is.
    /// </summary>
    private static Task<int> FlushAsync(CsmsDbContext db) => db.SaveChangesAsync();

    private static async Task<HashSet<string>> ActiveTransactionsAsync(CsmsDbContext db, string stationId) =>
        [.. await db.Transactions.AsNoTracking().Where(t => t.StationId == stationId && t.State == Transactions.Active).Select(t => t.TransactionId).ToListAsync().ConfigureAwait(false)];

    private static async Task<string?> ActiveTransactionAsync(CsmsDbContext db, string stationId, int evseId) =>
        await db.Transactions.AsNoTracking().Where(t => t.StationId == stationId && t.EvseId == evseId && t.State == Transactions.Active)
            .OrderByDescending(t => t.Id).Select(t => t.TransactionId).FirstOrDefaultAsync().ConfigureAwait(false);

    /// <summary>Stores an accepted profile, replacing those it replaces on the station, and drops TxProfiles of ended transactions.</summary>
    private async Task<ChargingProfileRecord> StoreAsync(CsmsDbContext db, string stationId, int evseId, ChargingProfileType profile, string source, string limitSource)
    {
        await FlushAsync(db).ConfigureAwait(false);
        var held = await db.ChargingProfiles.Where(p => p.StationId == stationId).ToListAsync().ConfigureAwait(false);
        var active = await ActiveTransactionsAsync(db, stationId).ConfigureAwait(false);
        var txProfile = ChargingProfilePurposeEnumType.TxProfile.ToWire();
        foreach (var old in held)
        {
            var stale = old.Purpose == txProfile && (old.TransactionId is null || !active.Contains(old.TransactionId));
            if (stale || ChargingProfileRules.Replaces(evseId, profile, old.EvseId, Profile(old)))
            {
                db.ChargingProfiles.Remove(old);
            }
        }

        // The removals go first: the new row may take the (station, EVSE, id) of one removed.
        await db.SaveChangesAsync().ConfigureAwait(false);
        var record = Record(stationId, evseId, profile, source, limitSource);
        db.ChargingProfiles.Add(record);
        return record;
    }

    private ChargingProfileRecord Record(string stationId, int evseId, ChargingProfileType profile, string source, string limitSource) => new()
    {
        StationId = stationId,
        EvseId = evseId,
        ProfileId = profile.Id,
        Purpose = profile.ChargingProfilePurpose.ToWire(),
        StackLevel = profile.StackLevel,
        Kind = profile.ChargingProfileKind.ToWire(),
        TransactionId = profile.TransactionId,
        Profile = JsonSerializer.Serialize(profile, OcppJsonContext.Default.ChargingProfileType),
        Source = source,
        LimitSource = limitSource,
        UpdatedAt = time.GetUtcNow(),
    };

    private async Task UpsertReportedAsync(CsmsDbContext db, string stationId, int evseId, ChargingProfileType profile, string limitSource, DateTimeOffset now)
    {
        var record = await db.ChargingProfiles.FirstOrDefaultAsync(p => p.StationId == stationId && p.EvseId == evseId && p.ProfileId == profile.Id).ConfigureAwait(false);
        if (record is null)
        {
            db.ChargingProfiles.Add(Record(stationId, evseId, profile, FromReport, limitSource));
            return;
        }

        record.Purpose = profile.ChargingProfilePurpose.ToWire();
        record.StackLevel = profile.StackLevel;
        record.Kind = profile.ChargingProfileKind.ToWire();
        record.TransactionId = profile.TransactionId;
        record.Profile = JsonSerializer.Serialize(profile, OcppJsonContext.Default.ChargingProfileType);
        record.Source = FromReport;
        record.LimitSource = limitSource;
        record.UpdatedAt = now;
    }

    /// <summary>A complete report (or NoProfiles) is the station's truth for what it asked about: the stored profiles it covers that it did not name go.</summary>
    private static async Task RemoveUnreportedAsync(CsmsDbContext db, ChargingProfileReportRecord report, HashSet<(int EvseId, int Id)> named)
    {
        var criteria = report.Criteria is null ? null : JsonSerializer.Deserialize(report.Criteria, OcppJsonContext.Default.ChargingProfileCriterionType);
        var stored = await db.ChargingProfiles.Where(p => p.StationId == report.StationId).ToListAsync().ConfigureAwait(false);
        foreach (var record in stored)
        {
            if ((report.EvseId is { } e && record.EvseId != e) || named.Contains((record.EvseId, record.ProfileId)))
            {
                continue;
            }

            if (criteria is not null
                && ((criteria.ChargingProfilePurpose is { } p && record.Purpose != p.ToWire())
                    || (criteria.StackLevel is { } s && record.StackLevel != s)
                    || (criteria.ChargingProfileId is { Count: > 0 } ids && !ids.Contains(record.ProfileId))
                    || (criteria.ChargingLimitSource is { Count: > 0 } sources && !sources.Any(x => x.ToWire() == record.LimitSource))))
            {
                continue;
            }

            db.ChargingProfiles.Remove(record);
        }
    }
}
