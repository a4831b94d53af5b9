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
/// transaction is SuspendedEVSE until the limit rises again. SmartChargingCtrlr: Enabled, RateUnit, ProfileStackLevel,
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
    private readonly Metering _metering;
    private readonly ProfileStore _profiles;

    // The composite limit last seen per EVSE, to tell when it changed (Changed).
    private readonly Dictionary<int, LimitValue?> _seen = [];

    // K05: the TxProfile of an accepted RequestStartTransaction, per EVSE, installed when its transaction starts.
    private readonly Dictionary<int, ChargingProfileType> _pendingStart = [];

    internal SmartCharging(IStationContext context, IStateGate gate, Transactions transactions, Metering metering, RemoteControl remoteControl)
    {
        _context = context;
        _gate = gate;
        _transactions = transactions;
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
        if (rejection is null)
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

            if (_context.Hardware.RateControl.Limit(evse.Id) == EffectiveLimitW(evse.Id))
            {
                continue;
            }

            if (evse.Transaction is not null)
            {
                _transactions.Evaluate(evse, TriggerReasonEnumType.ChargingStateChanged, ReasonEnumType.Other);
            }
            else
            {
                ApplyLimit(evse);
            }
        }
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
            _profiles.CountWith(evseId, profile));

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
        return new ScheduleContext(evseId, tx?.Id, tx?.StartedAt, Voltage, Phases);
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
