using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// K15: the charging schedule that serves an EV's charging needs (NotifyEVChargingNeeds) when no site balancer does:
/// the energy the EV asks for by its departure time, levelled (the lowest constant rate that delivers it in time, so the
/// EV draws no more than it needs), within the EV's maximum current or power and the station's limits known to the CSMS,
/// and never below the EV's minimum (AC: evMinCurrent; below it the EV is paused at 0 A). After the departure time, or
/// when none is given, the EV may draw its maximum. At most maxScheduleTuples periods.
/// </summary>
/// <remarks>
/// AC is in A per phase on three phases at <see cref="PhaseVoltage"/> (the EV's evMaxVoltage when lower): energyAmount Wh
/// over the time to departure gives the current. DC is in W: energyAmount over the time gives the power, capped by
/// evMaxPower (or evMaxCurrent x evMaxVoltage). A station limit in the other unit is converted at the same voltage and
/// three phases.
/// </remarks>
public static class ChargingScheduleFit
{
    /// <summary>The phase-to-neutral voltage of an AC supply, for A/W conversions.</summary>
    public const decimal PhaseVoltage = 230m;

    /// <summary>The phases an AC TxProfile without numberPhases uses (the OCPP default).</summary>
    public const int AcPhases = 3;

    /// <summary>
    /// The schedule for <paramref name="needs"/> starting at <paramref name="now"/>; <paramref name="limitA"/> and
    /// <paramref name="limitW"/> are the station's limits for the EVSE known to the CSMS (null: none). Null when the needs
    /// carry neither AC nor DC parameters.
    /// </summary>
    public static ChargingScheduleType? Fit(ChargingNeedsType needs, int? maxScheduleTuples, DateTimeOffset now, decimal? limitA, decimal? limitW, int scheduleId = 1)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var seconds = needs.DepartureTime is { } departure && departure > now ? (decimal)Math.Floor((departure - now).TotalSeconds) : (decimal?)null;
        List<ChargingSchedulePeriodType> periods;
        ChargingRateUnitEnumType unit;
        if (needs.AcChargingParameters is { } ac)
        {
            unit = ChargingRateUnitEnumType.A;
            var volts = ac.EvMaxVoltage > 0 ? Math.Min(ac.EvMaxVoltage, PhaseVoltage) : PhaseVoltage;
            var max = Min(ac.EvMaxCurrent, limitA, limitW / (volts * AcPhases));
            periods = Periods(ac.EnergyAmount, seconds, max, ac.EvMinCurrent, wattsPerUnit: volts * AcPhases);
        }
        else if (needs.DcChargingParameters is { } dc)
        {
            unit = ChargingRateUnitEnumType.W;
            var evMax = dc.EvMaxPower is > 0 and var p ? p : (decimal)dc.EvMaxCurrent * dc.EvMaxVoltage;
            var max = Min(evMax, limitW, limitA * PhaseVoltage * AcPhases);
            periods = Periods(dc.EnergyAmount, seconds, max, 0, wattsPerUnit: 1);
        }
        else
        {
            return null;
        }

        var tuples = Math.Max(1, maxScheduleTuples ?? int.MaxValue);
        if (periods.Count > tuples)
        {
            periods = periods[..tuples];
        }

        return new ChargingScheduleType
        {
            Id = scheduleId,
            StartSchedule = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), now.Offset),
            ChargingRateUnit = unit,
            ChargingSchedulePeriod = periods,
            MinChargingRate = unit == ChargingRateUnitEnumType.A && needs.AcChargingParameters!.EvMinCurrent > 0 ? needs.AcChargingParameters.EvMinCurrent : null,
        };
    }

    /// <summary>The rate that delivers <paramref name="energyWh"/> in <paramref name="seconds"/>, in units of <paramref name="wattsPerUnit"/> W, rounded up to 0.1.</summary>
    public static decimal RateFor(decimal energyWh, decimal seconds, decimal wattsPerUnit) =>
        Math.Ceiling(energyWh * 3600m / (seconds * wattsPerUnit) * 10m) / 10m;

    private static List<ChargingSchedulePeriodType> Periods(int? energyWh, decimal? seconds, decimal max, decimal min, decimal wattsPerUnit)
    {
        max = Math.Floor(Math.Max(0, max) * 10m) / 10m;
        if (max < min)
        {
            // The limits leave the EV less than it can charge with: paused rather than below its minimum.
            return [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 0 }];
        }

        if (energyWh is not { } energy || seconds is not { } time || time <= 0)
        {
            return [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = max }];
        }

        var levelled = Math.Min(max, Math.Max(min, RateFor(Math.Max(0, energy), time, wattsPerUnit)));
        var periods = new List<ChargingSchedulePeriodType> { new() { StartPeriod = 0, Limit = levelled } };
        if (levelled < max && time <= int.MaxValue)
        {
            periods.Add(new ChargingSchedulePeriodType { StartPeriod = (int)time, Limit = max });
        }

        return periods;
    }

    private static decimal Min(decimal value, decimal? a, decimal? b) => Math.Min(value, Math.Min(a ?? decimal.MaxValue, b ?? decimal.MaxValue));
}
