using Ohm.Ocpp.Messages;
using Ohm.Station.Hardware;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated ISO 15118 EV (K15-K17): plugged with charging needs, it announces them, can ask to renegotiate with new
/// needs, and answers an offer of charging schedules with the first one offered, capped at its own maximum (its
/// <see cref="EvSchedulePolicy"/> can be replaced). It then draws at most its maximum.
/// </summary>
public sealed partial class SimulatedHardware : IEvHighLevelCommunication
{
    private readonly Dictionary<int, EvChargingNeeds> _needs = [];
    private readonly Dictionary<int, IReadOnlyList<ChargingScheduleType>> _offers = [];

    /// <inheritdoc/>
    public event Action<int>? RenegotiationRequested;

    /// <summary>
    /// The simulated EV's choice among the offered schedules (EVSE id, time base, the offer); null (the default) picks the
    /// first schedule offered, capped at the EV's maximum (<see cref="AcceptCapped"/>).
    /// </summary>
    public Func<int, DateTimeOffset, IReadOnlyList<ChargingScheduleType>, EvScheduleSelection?>? EvSchedulePolicy { get; set; }

    /// <summary>
    /// Simulator input: the EV at the EVSE speaks ISO 15118 with these needs (set it before the cable is plugged in); it
    /// then asks for its maximum power. Null makes it a basic-charging EV again.
    /// </summary>
    public void SetChargingNeeds(int evseId, EvChargingNeeds? needs)
    {
        lock (_lock)
        {
            if (needs is null)
            {
                _needs.Remove(evseId);
                _offers.Remove(evseId);
                return;
            }

            _needs[evseId] = needs;
            if (MaxPowerW(needs.Needs) is { } watts)
            {
                Integrate(evseId).EvPowerW = watts;
            }
        }
    }

    /// <summary>Simulator input: the EV asks to renegotiate with new needs (K17); the station is told through <see cref="RenegotiationRequested"/>.</summary>
    public void Renegotiate(int evseId, EvChargingNeeds needs)
    {
        SetChargingNeeds(evseId, needs);
        RenegotiationRequested?.Invoke(evseId);
    }

    /// <summary>The schedules last offered to the EV at the EVSE, or null.</summary>
    public IReadOnlyList<ChargingScheduleType>? LastOffer(int evseId)
    {
        lock (_lock)
        {
            return _offers.GetValueOrDefault(evseId);
        }
    }

    /// <inheritdoc/>
    public EvChargingNeeds? ChargingNeeds(int evseId)
    {
        lock (_lock)
        {
            return Get(evseId).Plugged ? _needs.GetValueOrDefault(evseId) : null;
        }
    }

    /// <inheritdoc/>
    public ValueTask<EvScheduleSelection?> OfferSchedulesAsync(int evseId, DateTimeOffset timeBase, IReadOnlyList<ChargingScheduleType> schedules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        EvChargingNeeds? needs;
        lock (_lock)
        {
            _offers[evseId] = schedules;
            needs = Get(evseId).Plugged ? _needs.GetValueOrDefault(evseId) : null;
        }

        if (needs is null || schedules.Count == 0)
        {
            return ValueTask.FromResult<EvScheduleSelection?>(null);
        }

        var policy = EvSchedulePolicy;
        return ValueTask.FromResult(policy is not null ? policy(evseId, timeBase, schedules) : AcceptCapped(needs.Needs, schedules[0], Voltage));
    }

    /// <summary>The default EV policy: the offered schedule as the EV's charging profile, each period capped at the EV's maximum in the schedule's unit.</summary>
    public static EvScheduleSelection AcceptCapped(ChargingNeedsType needs, ChargingScheduleType offered, decimal voltage = 230m)
    {
        ArgumentNullException.ThrowIfNull(needs);
        ArgumentNullException.ThrowIfNull(offered);
        var max = offered.ChargingRateUnit == ChargingRateUnitEnumType.A ? MaxCurrentA(needs) : MaxPowerW(needs, voltage);
        var periods = offered.ChargingSchedulePeriod.Select(p => new ChargingSchedulePeriodType
        {
            StartPeriod = p.StartPeriod,
            Limit = max is { } cap ? Math.Min(p.Limit, cap) : p.Limit,
            NumberPhases = p.NumberPhases,
            PhaseToUse = p.PhaseToUse,
        }).ToList();
        return new EvScheduleSelection(offered.Id, new ChargingScheduleType
        {
            Id = offered.Id,
            StartSchedule = offered.StartSchedule,
            Duration = offered.Duration,
            ChargingRateUnit = offered.ChargingRateUnit,
            ChargingSchedulePeriod = periods,
            MinChargingRate = offered.MinChargingRate,
        });
    }

    /// <summary>The needs of an AC ISO 15118 EV: <paramref name="energyWh"/> to charge by <paramref name="departure"/>, between <paramref name="minCurrentA"/> and <paramref name="maxCurrentA"/> per phase.</summary>
    public static EvChargingNeeds AcEv(int energyWh, DateTimeOffset? departure = null, int maxCurrentA = 32, int minCurrentA = 6, EnergyTransferModeEnumType mode = EnergyTransferModeEnumType.ACThreePhase, int maxVoltage = 400, int? maxScheduleTuples = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(energyWh);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCurrentA);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minCurrentA, maxCurrentA);
        if (mode == EnergyTransferModeEnumType.DC)
        {
            throw new ArgumentException("An AC EV asks for an AC energy transfer mode.", nameof(mode));
        }

        return new EvChargingNeeds(
            new ChargingNeedsType
            {
                RequestedEnergyTransfer = mode,
                DepartureTime = departure,
                AcChargingParameters = new ACChargingParametersType { EnergyAmount = energyWh, EvMinCurrent = minCurrentA, EvMaxCurrent = maxCurrentA, EvMaxVoltage = maxVoltage },
            },
            maxScheduleTuples);
    }

    /// <summary>The needs of a DC ISO 15118 EV: <paramref name="energyWh"/> by <paramref name="departure"/>, at most <paramref name="maxPowerW"/>, from <paramref name="stateOfCharge"/> percent.</summary>
    public static EvChargingNeeds DcEv(int energyWh, DateTimeOffset? departure = null, int maxPowerW = 50000, int maxCurrentA = 125, int maxVoltage = 500, int? stateOfCharge = 20, int? maxScheduleTuples = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(energyWh);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPowerW);
        return new EvChargingNeeds(
            new ChargingNeedsType
            {
                RequestedEnergyTransfer = EnergyTransferModeEnumType.DC,
                DepartureTime = departure,
                DcChargingParameters = new DCChargingParametersType { EnergyAmount = energyWh, EvMaxPower = maxPowerW, EvMaxCurrent = maxCurrentA, EvMaxVoltage = maxVoltage, StateOfCharge = stateOfCharge },
            },
            maxScheduleTuples);
    }

    /// <summary>The number of phases an energy transfer mode uses (DC: none).</summary>
    public static int PhasesOf(EnergyTransferModeEnumType mode) => mode switch
    {
        EnergyTransferModeEnumType.ACSinglePhase => 1,
        EnergyTransferModeEnumType.ACTwoPhase => 2,
        EnergyTransferModeEnumType.ACThreePhase => 3,
        _ => 0,
    };

    /// <summary>The EV's maximum current, in A (per phase for AC); null when its needs do not say.</summary>
    public static decimal? MaxCurrentA(ChargingNeedsType needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        return needs.AcChargingParameters is { } ac ? ac.EvMaxCurrent : needs.DcChargingParameters?.EvMaxCurrent;
    }

    /// <summary>The EV's maximum power, in W (AC: max current times <paramref name="voltage"/> times the phases); null when its needs do not say.</summary>
    public static decimal? MaxPowerW(ChargingNeedsType needs, decimal voltage = 230m)
    {
        ArgumentNullException.ThrowIfNull(needs);
        if (needs.AcChargingParameters is { } ac)
        {
            return ac.EvMaxCurrent * voltage * Math.Max(1, PhasesOf(needs.RequestedEnergyTransfer));
        }

        return needs.DcChargingParameters is { } dc ? dc.EvMaxPower ?? ((decimal)dc.EvMaxCurrent * dc.EvMaxVoltage) : null;
    }

    private decimal? MaxPowerW(ChargingNeedsType needs) => MaxPowerW(needs, Voltage);
}
