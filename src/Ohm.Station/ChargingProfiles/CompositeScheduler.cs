using Ohm.Ocpp.Messages;

namespace Ohm.Station.ChargingProfiles;

/// <summary>What the composite schedule of one EVSE is computed for: the EVSE, its running transaction, its supply.</summary>
/// <param name="EvseId">The EVSE (0: the station as a whole).</param>
/// <param name="TransactionId">The EVSE's running transaction, if any: only its TxProfiles apply.</param>
/// <param name="TransactionStart">When that transaction started: where Relative schedules start.</param>
/// <param name="Voltage">The supply voltage per phase, in V, for A/W conversion.</param>
/// <param name="DefaultPhases">The phases a period uses when it names no numberPhases.</param>
/// <param name="StationShares">
/// K04: among how many EVSEs the station-wide limits (the ChargingStationMaxProfile, the external constraints of EVSE 0)
/// are shared: an EVSE gets its equal part of them (1: the whole).
/// </param>
public sealed record ScheduleContext(int EvseId, string? TransactionId = null, DateTimeOffset? TransactionStart = null, decimal Voltage = 230m, int DefaultPhases = 3, int StationShares = 1);

/// <summary>A limit at one instant, in W, with the phases of the period it came from (when the period named them).</summary>
public readonly record struct LimitValue(decimal Watts, int? NumberPhases, int? PhaseToUse);

/// <summary>One period of a composite schedule: from <paramref name="StartPeriod"/> seconds after its start, <paramref name="Limit"/> (null: no profile limits it).</summary>
public sealed record CompositePeriod(int StartPeriod, LimitValue? Limit);

/// <summary>
/// K08: the composite schedule, computed from the installed profiles with the clock passed in (no I/O). At each instant:
/// within a purpose the highest stackLevel whose profile is valid and whose schedule runs wins; the EVSE's TxProfile (of
/// its running transaction) over its TxDefaultProfile, an EVSE-specific TxDefaultProfile over the station's (EVSE 0);
/// then the minimum with the ChargingStationMaxProfile and the ChargingStationExternalConstraints (of the EVSE and of the
/// station). Absolute schedules start at startSchedule (else validFrom, else when installed), Relative ones at the
/// transaction's start (else now), Recurring ones at startSchedule plus whole days or weeks. Limits in A become W with
/// the voltage and the period's numberPhases (else the default phases); equal adjacent periods are merged.
/// </summary>
public static class CompositeScheduler
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private static readonly TimeSpan Week = TimeSpan.FromDays(7);

    /// <summary>The composite limit at <paramref name="at"/>; null when no profile limits the EVSE then.</summary>
    public static LimitValue? LimitAt(IReadOnlyList<InstalledProfile> profiles, ScheduleContext context, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(context);
        var evse = context.EvseId;
        LimitValue? Top(ChargingProfilePurposeEnumType purpose, int onEvse, Func<InstalledProfile, bool>? also = null)
        {
            LimitValue? best = null;
            var level = -1;
            foreach (var p in profiles)
            {
                if (p.Purpose != purpose || p.EvseId != onEvse || p.StackLevel <= level || (also is not null && !also(p)))
                {
                    continue;
                }

                if (ValueAt(p, context, at) is { } value)
                {
                    best = value;
                    level = p.StackLevel;
                }
            }

            return best;
        }

        LimitValue? tx = null;
        if (evse > 0)
        {
            if (context.TransactionId is { } txId)
            {
                tx = Top(ChargingProfilePurposeEnumType.TxProfile, evse, p => p.Profile.TransactionId is null || p.Profile.TransactionId == txId);
            }

            tx ??= Top(ChargingProfilePurposeEnumType.TxDefaultProfile, evse) ?? Top(ChargingProfilePurposeEnumType.TxDefaultProfile, 0);
        }

        var result = tx;
        result = Min(result, Share(Top(ChargingProfilePurposeEnumType.ChargingStationMaxProfile, 0), evse, context.StationShares));
        result = Min(result, Share(Top(ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 0), evse, context.StationShares));
        if (evse > 0)
        {
            result = Min(result, Top(ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, evse));
        }

        return result;
    }

    /// <summary>The composite periods from <paramref name="start"/> over <paramref name="durationSeconds"/>, merged; a single period with a null limit when nothing applies.</summary>
    public static IReadOnlyList<CompositePeriod> Periods(IReadOnlyList<InstalledProfile> profiles, ScheduleContext context, DateTimeOffset start, int durationSeconds)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(context);
        var end = start.AddSeconds(Math.Max(0, durationSeconds));

        // Without a transaction a Relative schedule starts where the window starts.
        context = context.TransactionStart is null ? context with { TransactionStart = start } : context;
        var edges = new SortedSet<DateTimeOffset> { start };
        foreach (var p in profiles)
        {
            foreach (var edge in Edges(p, context, start, end))
            {
                if (edge > start && edge < end)
                {
                    edges.Add(edge);
                }
            }
        }

        var periods = new List<CompositePeriod>();
        foreach (var edge in edges)
        {
            // Whole seconds, as the message carries them; an edge inside a second counts from that second on.
            var offset = (int)Math.Ceiling((edge - start).TotalSeconds);
            if (periods.Count > 0 && periods[^1].StartPeriod == offset)
            {
                continue;
            }

            var limit = LimitAt(profiles, context, start.AddSeconds(offset));
            if (periods.Count > 0 && periods[^1].Limit == limit)
            {
                continue;
            }

            periods.Add(new CompositePeriod(offset, limit));
        }

        return periods;
    }

    /// <summary>
    /// K08: the composite schedule as GetCompositeSchedule answers it, in <paramref name="unit"/>; null when no profile
    /// limits the EVSE anywhere in the window. Where nothing limits it, the period carries <paramref name="maximumWatts"/>
    /// (the EVSE's own maximum).
    /// </summary>
    public static CompositeScheduleType? Schedule(IReadOnlyList<InstalledProfile> profiles, ScheduleContext context, DateTimeOffset start, int durationSeconds, ChargingRateUnitEnumType unit, decimal maximumWatts)
    {
        ArgumentNullException.ThrowIfNull(context);
        var periods = Periods(profiles, context, start, durationSeconds);
        if (periods.All(p => p.Limit is null))
        {
            return null;
        }

        var result = new List<ChargingSchedulePeriodType>();
        foreach (var period in periods)
        {
            var limit = period.Limit ?? new LimitValue(maximumWatts, null, null);
            var value = Math.Round(FromWatts(limit.Watts, unit, limit.NumberPhases ?? context.DefaultPhases, context.Voltage), 1, MidpointRounding.ToZero);
            if (result.Count > 0 && result[^1].Limit == value && result[^1].NumberPhases == limit.NumberPhases && result[^1].PhaseToUse == limit.PhaseToUse)
            {
                continue;
            }

            result.Add(new ChargingSchedulePeriodType { StartPeriod = period.StartPeriod, Limit = value, NumberPhases = limit.NumberPhases, PhaseToUse = limit.PhaseToUse });
        }

        return new CompositeScheduleType
        {
            EvseId = context.EvseId,
            Duration = durationSeconds,
            ScheduleStart = start,
            ChargingRateUnit = unit,
            ChargingSchedulePeriod = result,
        };
    }

    /// <summary>A limit in <paramref name="unit"/> as W: A times the voltage and the phases.</summary>
    public static decimal ToWatts(decimal limit, ChargingRateUnitEnumType unit, int phases, decimal voltage) =>
        unit == ChargingRateUnitEnumType.W ? limit : limit * voltage * phases;

    /// <summary>A limit in W as <paramref name="unit"/>: W over the voltage and the phases for A.</summary>
    public static decimal FromWatts(decimal watts, ChargingRateUnitEnumType unit, int phases, decimal voltage) =>
        unit == ChargingRateUnitEnumType.W ? watts : watts / (voltage * Math.Max(1, phases));

    /// <summary>The value of one profile at an instant: null when it is not valid then, or its schedule does not run then.</summary>
    public static LimitValue? ValueAt(InstalledProfile profile, ScheduleContext context, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(context);
        var p = profile.Profile;
        if ((p.ValidFrom is { } from && at < from) || (p.ValidTo is { } to && at >= to) || p.ChargingSchedule.Count == 0)
        {
            return null;
        }

        var schedule = p.ChargingSchedule[0];
        if (StartOf(profile, context, at) is not { } start || at < start)
        {
            return null;
        }

        var offset = (at - start).TotalSeconds;
        if (schedule.Duration is { } duration && offset >= duration)
        {
            return null;
        }

        ChargingSchedulePeriodType? current = null;
        foreach (var period in schedule.ChargingSchedulePeriod)
        {
            if (period.StartPeriod <= offset)
            {
                current = period;
            }
        }

        if (current is null)
        {
            return null;
        }

        var phases = current.NumberPhases ?? context.DefaultPhases;
        return new LimitValue(ToWatts(current.Limit, schedule.ChargingRateUnit, phases, context.Voltage), current.NumberPhases, current.PhaseToUse);
    }

    /// <summary>Where the schedule that runs at <paramref name="at"/> started (the latest recurrence for a Recurring one).</summary>
    private static DateTimeOffset? StartOf(InstalledProfile profile, ScheduleContext context, DateTimeOffset at)
    {
        var p = profile.Profile;
        var schedule = p.ChargingSchedule[0];
        switch (p.ChargingProfileKind)
        {
            case ChargingProfileKindEnumType.Relative:
                return context.TransactionStart ?? at;
            case ChargingProfileKindEnumType.Recurring:
                var anchor = schedule.StartSchedule ?? profile.InstalledAt;
                var every = p.RecurrencyKind == RecurrencyKindEnumType.Weekly ? Week : Day;
                if (at < anchor)
                {
                    // Before its anchor a recurring schedule runs from the recurrence before it, as it repeats both ways.
                    var back = (long)Math.Ceiling((anchor - at) / every);
                    return anchor - (every * back);
                }

                return anchor + (every * Math.Floor((at - anchor) / every));
            default:
                return schedule.StartSchedule ?? p.ValidFrom ?? profile.InstalledAt;
        }
    }

    /// <summary>Every instant in [start, end) where the profile's value may change.</summary>
    private static IEnumerable<DateTimeOffset> Edges(InstalledProfile profile, ScheduleContext context, DateTimeOffset start, DateTimeOffset end)
    {
        var p = profile.Profile;
        if (p.ValidFrom is { } from)
        {
            yield return from;
        }

        if (p.ValidTo is { } to)
        {
            yield return to;
        }

        if (p.ChargingSchedule.Count == 0)
        {
            yield break;
        }

        var schedule = p.ChargingSchedule[0];
        var starts = new List<DateTimeOffset>();
        if (p.ChargingProfileKind == ChargingProfileKindEnumType.Recurring)
        {
            var every = p.RecurrencyKind == RecurrencyKindEnumType.Weekly ? Week : Day;
            var first = StartOf(profile, context, start)!.Value;
            for (var s = first; s < end; s += every)
            {
                starts.Add(s);
            }
        }
        else if (p.ChargingProfileKind == ChargingProfileKindEnumType.Relative)
        {
            starts.Add(context.TransactionStart ?? start);
        }
        else
        {
            starts.Add(StartOf(profile, context, start)!.Value);
        }

        foreach (var s in starts)
        {
            yield return s;
            foreach (var period in schedule.ChargingSchedulePeriod)
            {
                yield return s.AddSeconds(period.StartPeriod);
            }

            if (schedule.Duration is { } duration)
            {
                yield return s.AddSeconds(duration);
            }
        }
    }

    /// <summary>K04: an EVSE's equal part of a station-wide limit.</summary>
    private static LimitValue? Share(LimitValue? limit, int evseId, int shares) =>
        limit is { } l && evseId > 0 && shares > 1 ? l with { Watts = l.Watts / shares } : limit;

    private static LimitValue? Min(LimitValue? a, LimitValue? b) =>
        a is not { } x ? b : b is not { } y ? a : y.Watts < x.Watts ? y : x;
}
