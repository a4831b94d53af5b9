using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;
using Ohm.Station.ChargingProfiles;

namespace Ohm.Station.Blocks;

/// <summary>
/// K: smart charging on the station. SetChargingProfile stores and validates profiles (K01, persisted so they survive a
/// restart; TxProfiles end with their transaction); the composite schedule (K08, <see cref="CompositeScheduler"/>) of
/// each EVSE drives the hardware's rate control (in W): below the EV's minimum (AC: 6 A per phase) the limit is 0 and the
/// transaction is SuspendedEVSE until the limit rises again; the station-wide limits are shared equally by the EVSEs that
/// charge (K04). External limits of a local energy manager (K11-K14) are ChargingStationExternalConstraints. SmartChargingCtrlr: Enabled, RateUnit, ProfileStackLevel,
/// PeriodsPerSchedule, Entries, ACPhaseSwitchingSupported.
/// </summary>
public sealed class SmartCharging : ICompositeSchedules
{
    private const string Component = "SmartChargingCtrlr";

    /// <summary>The AC EV's minimum current per phase, in A: below it the EV pauses.</summary>
    public const decimal MinimumAcCurrent = 6m;

    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly Transactions _transactions;
    private readonly TransactionEvents _events;
    private readonly Metering _metering;
    private readonly ProfileStore _profiles;

    // The composite limit last seen per EVSE, to tell when it changed (Changed).
    private readonly Dictionary<int, LimitValue?> _seen = [];

    // K05: the TxProfile of an accepted RequestStartTransaction, per EVSE, installed when its transaction starts.
    private readonly Dictionary<int, ChargingProfileType> _pendingStart = [];

    internal SmartCharging(IStationContext context, IStateGate gate, Transactions transactions, TransactionEvents events, Metering metering, RemoteControl remoteControl)
    {
        _context = context;
        _gate = gate;
        _transactions = transactions;
        _events = events;
        _metering = metering;
        _profiles = new ProfileStore(() => _context.Store);
        transactions.SmartCharging = this;
        remoteControl.SmartCharging = this;
    }

    /// <inheritdoc/>
    public event Action<int>? Changed;

    /// <summary>Every installed profile (the CSMS's and the local energy manager's), by EVSE, purpose, stack level and id.</summary>
    public IReadOnlyList<InstalledProfile> Profiles => _profiles.All;

    /// <summary>What SmartChargingCtrlr allows now.</summary>
    public ProfileLimits Limits
    {
        get
        {
            var model = _context.Model;
            var units = model.List(Component, "RateUnit");
            return new ProfileLimits(
                model.Flag(Component, "Enabled", false) && model.Flag(Component, "Available", true),
                units.Count == 0 ? ["A", "W"] : units,
                model.Number(Component, "ProfileStackLevel", 10),
                model.Number(Component, "PeriodsPerSchedule", 24),
                model.Number(Component, "Entries", 20, "ChargingProfiles"),
                model.Flag(Component, "ACPhaseSwitchingSupported", false));
        }
    }

    /// <summary>The supply voltage per phase, in V: the simulator's, else 230 V.</summary>
    public decimal Voltage => _context.Simulator?.Voltage ?? 230m;

    /// <summary>Reads the installed profiles from the store (at start); the next tick applies them.</summary>
    internal void Load()
    {
        _profiles.Load();
        _seen.Clear();
        lock (_pendingStart)
        {
            _pendingStart.Clear();
        }
    }

    // K01 SetChargingProfile: validated (every rejection with a reasonCode), replaces by id or purpose+stackLevel, persisted, applied.
    internal async ValueTask<SetChargingProfileResponse> SetChargingProfile(SetChargingProfileRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var profile = request.ChargingProfile;
            var rejection = Check(request.EvseId, profile, fromCsms: true);
            if (rejection is not null)
            {
                _context.Report($"SetChargingProfile {profile.Id} ({profile.ChargingProfilePurpose}) on EVSE {request.EvseId}: Rejected, {rejection.ReasonCode}: {rejection.AdditionalInfo}");
                return new SetChargingProfileResponse { Status = ChargingProfileStatusEnumType.Rejected, StatusInfo = rejection.ToStatusInfo() };
            }

            Install(request.EvseId, profile, ChargingLimitSourceEnumType.CSO);
            _context.Report($"SetChargingProfile {profile.Id} ({profile.ChargingProfilePurpose}, stack {profile.StackLevel}) on EVSE {request.EvseId}: Accepted");
            Refresh();
            return new SetChargingProfileResponse { Status = ChargingProfileStatusEnumType.Accepted };
        }
        finally
        {
            _gate.Exit();
        }
    }

    // K08 GetCompositeSchedule: the composite of an EVSE (0: the station) over the duration, in the unit asked (else the preferred one).
    internal ValueTask<GetCompositeScheduleResponse> GetCompositeSchedule(GetCompositeScheduleRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        GetCompositeScheduleResponse Rejected(string code, string info) =>
            new() { Status = GenericStatusEnumType.Rejected, StatusInfo = new ProfileRejection(code, info).ToStatusInfo() };

        if (request.EvseId < 0 || (request.EvseId > 0 && !_context.Evses.ContainsKey(request.EvseId)))
        {
            return ValueTask.FromResult(Rejected(ProfileValidation.UnknownEvse, $"The station has no EVSE {request.EvseId}."));
        }

        var limits = Limits;
        if (request.ChargingRateUnit is { } unit && !limits.RateUnits.Contains(unit.ToString(), StringComparer.Ordinal))
        {
            return ValueTask.FromResult(Rejected(ProfileValidation.UnsupportedRateUnit, $"chargingRateUnit {unit} is not supported (SmartChargingCtrlr.RateUnit: {string.Join(",", limits.RateUnits)})."));
        }

        if (request.Duration < 0)
        {
            return ValueTask.FromResult(Rejected("InvalidValue", "duration is negative."));
        }

        var target = request.ChargingRateUnit ?? PreferredUnit;
        var schedule = Compose(request.EvseId, request.Duration, target) ?? new CompositeScheduleType
        {
            // Nothing limits the EVSE: its own maximum all along.
            EvseId = request.EvseId,
            Duration = request.Duration,
            ScheduleStart = _context.Now,
            ChargingRateUnit = target,
            ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = Math.Round(CompositeScheduler.FromWatts(MaximumWatts(request.EvseId), target, Phases, Voltage), 1, MidpointRounding.ToZero) }],
        };
        _context.Report($"GetCompositeSchedule EVSE {request.EvseId} {request.Duration} s in {target}: {schedule.ChargingSchedulePeriod.Count} period(s)");
        return ValueTask.FromResult(new GetCompositeScheduleResponse { Status = GenericStatusEnumType.Accepted, Schedule = schedule });
    }

    // K09 GetChargingProfiles: Accepted and ReportChargingProfiles parts (per EVSE and source, ItemsPerMessage each, tbc on all but the last), or NoProfiles.
    internal ValueTask<GetChargingProfilesResponse> GetChargingProfiles(GetChargingProfilesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var criteria = request.ChargingProfile;
        var matching = _profiles.All
            .Where(p => request.EvseId is not { } evse || p.EvseId == evse)
            .Where(p => criteria.ChargingProfilePurpose is not { } purpose || p.Purpose == purpose)
            .Where(p => criteria.StackLevel is not { } level || p.StackLevel == level)
            .Where(p => criteria.ChargingProfileId is not { Count: > 0 } ids || ids.Contains(p.Id))
            .Where(p => criteria.ChargingLimitSource is not { Count: > 0 } sources || sources.Contains(p.Source))
            .ToList();
        _context.Report($"GetChargingProfiles {request.RequestId}: {matching.Count} profile(s)");
        if (matching.Count == 0)
        {
            return ValueTask.FromResult(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.NoProfiles });
        }

        var items = _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", 50, "GetReport");
        var bytes = _context.Model.Number("DeviceDataCtrlr", "BytesPerMessage", 65000, "GetReport");
        var reports = new List<ReportChargingProfilesRequest>();
        foreach (var group in matching.GroupBy(p => (p.EvseId, p.Source)).OrderBy(g => g.Key.EvseId).ThenBy(g => g.Key.Source))
        {
            foreach (var part in MessageParts.Split([.. group.Select(p => p.Profile)], OcppJsonContext.Default.ChargingProfileType, items, bytes, envelope: 150))
            {
                reports.Add(new ReportChargingProfilesRequest { RequestId = request.RequestId, EvseId = group.Key.EvseId, ChargingLimitSource = group.Key.Source, ChargingProfile = part });
            }
        }

        for (var i = 0; i < reports.Count; i++)
        {
            reports[i].Tbc = i < reports.Count - 1;
        }

        _context.Background.Run("ReportChargingProfiles " + request.RequestId.ToString(CultureInfo.InvariantCulture), async () =>
        {
            try
            {
                foreach (var report in reports)
                {
                    await _context.CallAsync(report, _context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or OperationCanceledException or InvalidOperationException)
            {
                _context.Report("ReportChargingProfiles failed: " + ex.Message);
            }
        });
        return ValueTask.FromResult(new GetChargingProfilesResponse { Status = GetChargingProfileStatusEnumType.Accepted });
    }

    // K10 ClearChargingProfile: by id, or by criteria (evseId, purpose, stackLevel; none: all); never a local energy manager's constraints.
    internal async ValueTask<ClearChargingProfileResponse> ClearChargingProfile(ClearChargingProfileRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var criteria = request.ChargingProfileCriteria;
            var removed = _profiles.Remove(p => p.Purpose != ChargingProfilePurposeEnumType.ChargingStationExternalConstraints
                && (request.ChargingProfileId is { } id
                    ? p.Id == id
                    : (criteria?.EvseId is not { } evse || p.EvseId == evse)
                      && (criteria?.ChargingProfilePurpose is not { } purpose || p.Purpose == purpose)
                      && (criteria?.StackLevel is not { } level || p.StackLevel == level)));
            _context.Report($"ClearChargingProfile {request.ChargingProfileId?.ToString(CultureInfo.InvariantCulture) ?? "by criteria"}: {(removed.Count == 0 ? "Unknown" : "cleared " + string.Join(",", removed.Select(p => p.Id)))}");
            if (removed.Count == 0)
            {
                return new ClearChargingProfileResponse { Status = ClearChargingProfileStatusEnumType.Unknown };
            }

            foreach (var evse in removed.Select(p => p.EvseId).Distinct())
            {
                Raise(evse);
            }

            Refresh();
            return new ClearChargingProfileResponse { Status = ClearChargingProfileStatusEnumType.Accepted };
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// K11-K13: a local energy manager (or a grid operator's signal) limits an EVSE (0: the whole station) to
    /// <paramref name="schedule"/>: stored as a ChargingStationExternalConstraints profile of that source, which the
    /// composite respects. The CSMS is told with NotifyChargingLimit (with the schedule when
    /// SmartChargingCtrlr.NotifyChargingLimitWithSchedules) when the limit is new or changed by more than
    /// LimitChangeSignificance percent. Returns why it was refused (ExternalControlSignalsEnabled false, an invalid
    /// schedule, an unknown EVSE), or null.
    /// </summary>
    public async Task<ProfileRejection?> SetExternalLimitAsync(int evseId, ChargingScheduleType schedule, ChargingLimitSourceEnumType source = ChargingLimitSourceEnumType.EMS, bool isGridCritical = false)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (source == ChargingLimitSourceEnumType.CSO)
        {
            return new ProfileRejection(ProfileValidation.InvalidProfile, "CSO is the CSMS's source: an external limit comes from EMS, SO or Other.");
        }

        await _gate.EnterAsync(_context.Stopping).ConfigureAwait(false);
        try
        {
            if (!_context.Model.Flag(Component, "ExternalControlSignalsEnabled", true))
            {
                return new ProfileRejection(ProfileValidation.NoSmartCharging, "SmartChargingCtrlr.ExternalControlSignalsEnabled is false: external limits are ignored.");
            }

            // Absolute: a schedule that names no start starts now.
            schedule.StartSchedule ??= _context.Now;
            var profile = new ChargingProfileType
            {
                Id = ExternalId(evseId, source),
                StackLevel = 0,
                ChargingProfilePurpose = ChargingProfilePurposeEnumType.ChargingStationExternalConstraints,
                ChargingProfileKind = ChargingProfileKindEnumType.Absolute,
                ChargingSchedule = [schedule],
            };
            if (Check(evseId, profile, fromCsms: false) is { } rejection)
            {
                _context.Report($"external limit ({source}) on EVSE {evseId} refused: {rejection.ReasonCode}: {rejection.AdditionalInfo}");
                return rejection;
            }

            var before = CompositeScheduler.LimitAt(_profiles.All.Where(p => p.Id == profile.Id).ToList(), ContextOf(evseId), _context.Now)?.Watts;
            _profiles.Remove(p => p.Id == profile.Id);
            var installed = new InstalledProfile(evseId, profile, source, _context.Now);
            _profiles.Install(installed);
            Raise(evseId);
            var after = CompositeScheduler.ValueAt(installed, ContextOf(evseId), _context.Now)?.Watts;
            _context.Report($"external limit ({source}) on EVSE {evseId}: {after?.ToString("0.#", CultureInfo.InvariantCulture) ?? "-"} W now");
            Refresh();

            // K12: the CSMS hears of it when it is new or changed significantly.
            if (Significant(before, after))
            {
                _context.Enqueue(new NotifyChargingLimitRequest
                {
                    EvseId = evseId > 0 ? evseId : null,
                    ChargingLimit = new ChargingLimitType { ChargingLimitSource = source, IsGridCritical = isGridCritical },
                    ChargingSchedule = _context.Model.Flag(Component, "NotifyChargingLimitWithSchedules", false) ? [schedule] : null,
                });
            }

            return null;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>K11-K13: a local energy manager limits an EVSE (0: the station) to <paramref name="watts"/> from now on (see <see cref="SetExternalLimitAsync(int, ChargingScheduleType, ChargingLimitSourceEnumType, bool)"/>).</summary>
    public Task<ProfileRejection?> SetExternalLimitAsync(int evseId, decimal watts, ChargingLimitSourceEnumType source = ChargingLimitSourceEnumType.EMS, bool isGridCritical = false) =>
        SetExternalLimitAsync(
            evseId,
            new ChargingScheduleType
            {
                Id = ExternalId(evseId, source),
                ChargingRateUnit = ChargingRateUnitEnumType.W,
                ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = Math.Round(watts, 1, MidpointRounding.ToZero) }],
            },
            source,
            isGridCritical);

    /// <summary>K14: the local energy manager releases its limit of an EVSE (0: the station): ClearedChargingLimit to the CSMS; false when it had set none.</summary>
    public async Task<bool> ReleaseExternalLimitAsync(int evseId, ChargingLimitSourceEnumType source = ChargingLimitSourceEnumType.EMS)
    {
        await _gate.EnterAsync(_context.Stopping).ConfigureAwait(false);
        try
        {
            var id = ExternalId(evseId, source);
            var removed = _profiles.Remove(p => p.Id == id && p.Purpose == ChargingProfilePurposeEnumType.ChargingStationExternalConstraints);
            if (removed.Count == 0)
            {
                return false;
            }

            _context.Report($"external limit ({source}) on EVSE {evseId} released");
            Raise(evseId);
            Refresh();
            _context.Enqueue(new ClearedChargingLimitRequest { ChargingLimitSource = source, EvseId = evseId > 0 ? evseId : null });
            return true;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The id of the external constraints profile of an EVSE and source: from the top of the id range down, out of the CSMS's way.</summary>
    public static int ExternalId(int evseId, ChargingLimitSourceEnumType source) => int.MaxValue - (evseId * 8) - (int)source;

    /// <inheritdoc/>
    public CompositeScheduleType? Compose(int evseId, int durationSeconds, ChargingRateUnitEnumType? unit = null) =>
        CompositeScheduler.Schedule(_profiles.All, ContextOf(evseId), _context.Now, durationSeconds, unit ?? PreferredUnit, MaximumWatts(evseId));

    /// <inheritdoc/>
    public ChargingProfileType? TxProfile(int evseId)
    {
        if (!_context.Evses.TryGetValue(evseId, out var evse) || evse.Transaction is not { } tx)
        {
            return null;
        }

        var context = ContextOf(evseId);
        var now = _context.Now;
        return _profiles.All
            .Where(p => p.EvseId == evseId && p.Purpose == ChargingProfilePurposeEnumType.TxProfile && (p.Profile.TransactionId is null || p.Profile.TransactionId == tx.Id))
            .OrderByDescending(p => p.StackLevel)
            .FirstOrDefault(p => CompositeScheduler.ValueAt(p, context, now) is not null)?.Profile;
    }

    /// <summary>The composite limit of an EVSE now, in W, before the EV's minimum is applied; null when no profile limits it.</summary>
    public decimal? CompositeLimitW(int evseId) => CompositeScheduler.LimitAt(_profiles.All, ContextOf(evseId), _context.Now)?.Watts;

    /// <summary>
    /// The limit the EVSE's rate control gets now, in W: the composite limit, or 0 when that is below what the EV needs at
    /// least (AC: 6 A on each phase the period uses); null when no profile limits it.
    /// </summary>
    public decimal? EffectiveLimitW(int evseId)
    {
        if (CompositeScheduler.LimitAt(_profiles.All, ContextOf(evseId), _context.Now) is not { } limit)
        {
            return null;
        }

        var minimum = IsDc(evseId) ? 0m : MinimumAcCurrent * (limit.NumberPhases ?? Phases) * Voltage;
        return limit.Watts < minimum || limit.Watts <= 0 ? 0m : Math.Round(limit.Watts, 1, MidpointRounding.ToZero);
    }

    /// <summary>
    /// Sets the EVSE's rate control to its effective limit when that changed (the energy until now counted first). Called
    /// by Transactions before it evaluates an EVSE's conditions, under the gate.
    /// </summary>
    internal void ApplyLimit(Evse evse)
    {
        var watts = EffectiveLimitW(evse.Id);
        var control = _context.Hardware.RateControl;
        if (control.Limit(evse.Id) == watts)
        {
            return;
        }

        _metering.Accumulate(evse, _context.Now);
        control.SetLimit(evse.Id, watts);
        _context.Report($"EVSE {evse.Id}: limit {(watts is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + " W" : "lifted")}");
    }

    /// <summary>A transaction starts on the EVSE (under the gate): the TxProfile of its RequestStartTransaction (K05) is installed for it.</summary>
    internal void OnStarted(Evse evse)
    {
        ChargingProfileType? profile;
        lock (_pendingStart)
        {
            if (evse.Transaction is not { } running || !_pendingStart.Remove(evse.Id, out profile))
            {
                return;
            }
        }

        var tx = evse.Transaction;

        profile.TransactionId = tx.Id;
        Install(evse.Id, profile, ChargingLimitSourceEnumType.CSO);
        _context.Report($"EVSE {evse.Id}: TxProfile {profile.Id} of the remote start applied to transaction {tx.Id}");
        Raise(evse.Id);
    }

    /// <summary>A transaction ended on the EVSE (under the gate): its TxProfiles go.</summary>
    internal void OnEnded(Evse evse, string transactionId)
    {
        var removed = _profiles.Remove(p => p.Purpose == ChargingProfilePurposeEnumType.TxProfile
            && p.EvseId == evse.Id && (p.Profile.TransactionId is null || p.Profile.TransactionId == transactionId));
        if (removed.Count > 0)
        {
            _context.Report($"EVSE {evse.Id}: TxProfile(s) {string.Join(",", removed.Select(p => p.Id))} removed with transaction {transactionId}");
            Raise(evse.Id);
        }
    }

    /// <summary>
    /// K05: checks the chargingProfile of a RequestStartTransaction for <paramref name="evseId"/> (a TxProfile without
    /// transactionId); when valid it is kept and installed when the transaction starts. Call under the gate.
    /// </summary>
    internal ProfileRejection? AcceptForStart(int evseId, ChargingProfileType profile)
    {
        var rejection = ProfileValidation.Validate(evseId, profile, Limits, _context.Evses.ContainsKey, _ => null, _context.Now, fromCsms: true, _profiles.CountWith(evseId, profile), forNewTransaction: true);
        if (rejection is null && _context.Evses.GetValueOrDefault(evseId)?.Transaction is { } running)
        {
            // The remote start authorizes a transaction that runs already (started by the cable): the profile is its now.
            profile.TransactionId = running.Id;
            if (Conflict(evseId, profile) is { } conflict)
            {
                return conflict;
            }

            Install(evseId, profile, ChargingLimitSourceEnumType.CSO);
            Refresh();
        }
        else if (rejection is null)
        {
            lock (_pendingStart)
            {
                _pendingStart[evseId] = profile;
            }
        }

        return rejection;
    }

    /// <summary>K05: the remote start was refused after all: its TxProfile is dropped.</summary>
    internal void DropStart(int evseId)
    {
        lock (_pendingStart)
        {
            _pendingStart.Remove(evseId);
        }
    }

    /// <summary>Periodic work under the gate: period edges and validity ends change the limits; expired profiles go.</summary>
    internal void Tick(DateTimeOffset now)
    {
        var expired = _profiles.Remove(p => p.Profile.ValidTo is { } to && to <= now);
        foreach (var p in expired)
        {
            _context.Report($"charging profile {p.Id} expired (validTo {p.Profile.ValidTo:O})");
        }

        Refresh();
    }

    /// <summary>
    /// Brings every EVSE's rate control up to date with its composite limit; an EVSE with a transaction is re-evaluated so
    /// that its charging state follows (SuspendedEVSE at 0, Charging again when the limit rises). Raises
    /// <see cref="Changed"/> for each EVSE whose composite limit changed. Call under the gate.
    /// </summary>
    internal void Refresh()
    {
        foreach (var evse in _context.Evses.Values)
        {
            var limit = CompositeScheduler.LimitAt(_profiles.All, ContextOf(evse.Id), _context.Now);
            if (!_seen.TryGetValue(evse.Id, out var seen) || seen != limit)
            {
                _seen[evse.Id] = limit;
                Raise(evse.Id);
            }

            var before = _context.Hardware.RateControl.Limit(evse.Id);
            var after = EffectiveLimitW(evse.Id);
            if (before == after)
            {
                continue;
            }

            if (evse.Transaction is { } tx)
            {
                var state = tx.ChargingState;
                _transactions.Evaluate(evse, TriggerReasonEnumType.ChargingStateChanged, ReasonEnumType.Other);

                // The rate changed by more than LimitChangeSignificance without a change of state: the CSMS hears it (with the meter).
                if (evse.Transaction is { } still && still.ChargingState == state && Significant(before, after))
                {
                    _events.Emit(evse, TransactionEventEnumType.Updated, TriggerReasonEnumType.ChargingRateChanged, meter: _metering.Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.Other));
                    _context.SaveEvse(evse);
                }
            }
            else
            {
                ApplyLimit(evse);
            }
        }
    }

    /// <summary>Whether a limit changed by more than SmartChargingCtrlr.LimitChangeSignificance percent (a limit set or lifted always counts).</summary>
    private bool Significant(decimal? before, decimal? after)
    {
        if (before is not { } old || after is not { } now || old == 0m)
        {
            return before != after;
        }

        var significance = decimal.TryParse(_context.Model.Value(Component, "LimitChangeSignificance"), NumberStyles.Number, CultureInfo.InvariantCulture, out var percent) ? percent : 0m;
        return Math.Abs(now - old) * 100m / old > significance;
    }

    private ProfileRejection? Check(int evseId, ChargingProfileType profile, bool fromCsms) =>
        ProfileValidation.Validate(
            evseId,
            profile,
            Limits,
            _context.Evses.ContainsKey,
            id => _context.Evses.GetValueOrDefault(id)?.Transaction?.Id,
            _context.Now,
            fromCsms,
            _profiles.CountWith(evseId, profile))
        ?? Conflict(evseId, profile);

    /// <summary>K01.FR.06, FR.39, FR.52, FR.53: Rejected when another profile of its purpose and stackLevel holds.</summary>
    private ProfileRejection? Conflict(int evseId, ChargingProfileType profile) =>
        _profiles.Conflicting(evseId, profile) is { } held
            ? new(ProfileValidation.DuplicateProfile, $"Charging profile {held.Id} ({held.Purpose}, stackLevel {held.StackLevel}, EVSE {held.EvseId}) already holds there; replace it by its id or use another stackLevel.")
            : null;

    private void Install(int evseId, ChargingProfileType profile, ChargingLimitSourceEnumType source)
    {
        // A TxProfile without transactionId belongs to the transaction running on its EVSE.
        if (profile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.TxProfile && profile.TransactionId is null)
        {
            profile.TransactionId = _context.Evses.GetValueOrDefault(evseId)?.Transaction?.Id;
        }

        var replaced = _profiles.Install(new InstalledProfile(evseId, profile, source, _context.Now));
        if (replaced.Count > 0)
        {
            _context.Report($"charging profile {profile.Id} replaces {string.Join(",", replaced.Select(p => p.Id))}");
        }

        Raise(evseId);
    }

    private void Raise(int evseId)
    {
        if (Changed is not { } changed)
        {
            return;
        }

        // Outside the gate: a handler may read the schedules or enter the gate itself.
        _context.Background.Run("composite schedule changed", () =>
        {
            changed(evseId);
            return Task.CompletedTask;
        });
    }

    private ScheduleContext ContextOf(int evseId)
    {
        var tx = evseId > 0 ? _context.Evses.GetValueOrDefault(evseId)?.Transaction : null;

        // K04: the station's own limits are shared equally by the EVSEs that charge (this one counted, charging or not).
        var shares = _context.Evses.Values.Count(e => e.Transaction is not null && e.Id != evseId) + 1;
        return new ScheduleContext(evseId, tx?.Id, tx?.StartedAt, Voltage, Phases, shares);
    }

    private int Phases => _context.Simulator?.Phases ?? 3;

    private ChargingRateUnitEnumType PreferredUnit =>
        Limits.RateUnits.FirstOrDefault() is { } first && Enum.TryParse<ChargingRateUnitEnumType>(first, out var unit) ? unit : ChargingRateUnitEnumType.W;

    /// <summary>The EVSE's own maximum power (EVSE.Power MaxSet; the station's for 0), 22 kW when the model does not say.</summary>
    private decimal MaximumWatts(int evseId)
    {
        var key = evseId > 0 ? new ComponentKey("EVSE", null, evseId) : new ComponentKey("ChargingStation");
        var value = _context.Model.Find(key, "Power")?.Attributes.GetValueOrDefault(AttributeEnumType.MaxSet)?.Value;
        return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var watts) ? watts : 22000m;
    }

    /// <summary>Whether the EVSE's connector is a DC one (no AC minimum current then).</summary>
    private bool IsDc(int evseId)
    {
        var type = _context.Model.Find(new ComponentKey("Connector", null, evseId, 1), "ConnectorType")?.Attributes.GetValueOrDefault(AttributeEnumType.Actual)?.Value;
        return type is not null && (type.StartsWith("cCCS", StringComparison.Ordinal) || type is "cG105" or "cChaoJi" or "cLECCS" or "cMCS");
    }
}
