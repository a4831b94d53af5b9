using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>What is wrong with a charging profile: the field (a JSON path of the SetChargingProfile payload) and why.</summary>
public sealed record ChargingProfileProblem(string Field, string Reason);

/// <summary>
/// The checks the CSMS makes on a charging profile before it sends SetChargingProfile (K01): what a station must reject
/// is refused here with the reason, so that it never reaches the wire. The schema (types, ranges, 1-3 schedules, 1-1024
/// periods) is checked by the connection; these are the rules of Part 2 K01 the schema cannot say.
/// </summary>
public static class ChargingProfileRules
{
    /// <summary>The longest a Daily recurring schedule can last, in seconds.</summary>
    public const int Day = 24 * 3600;

    /// <summary>The longest a Weekly recurring schedule can last, in seconds.</summary>
    public const int Week = 7 * Day;

    /// <summary>
    /// The rules that need no stored state: null when <paramref name="profile"/> may be sent to <paramref name="evseId"/>
    /// at <paramref name="now"/>. Whether a TxProfile's transaction is active is for the caller to check.
    /// </summary>
    public static ChargingProfileProblem? Check(int evseId, ChargingProfileType profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        const string p = "chargingProfile";
        if (evseId < 0)
        {
            return new("evseId", "is 0 (the station) or an EVSE id");
        }

        switch (profile.ChargingProfilePurpose)
        {
            case ChargingProfilePurposeEnumType.ChargingStationExternalConstraints:
                // K01.FR.22: only a local energy manager sets these; the station rejects them from the CSMS.
                return new(p + ".chargingProfilePurpose", "ChargingStationExternalConstraints is set by the station's external limits only, never by the CSMS");
            case ChargingProfilePurposeEnumType.ChargingStationMaxProfile when evseId != 0:
                return new("evseId", "a ChargingStationMaxProfile is set on EVSE 0 (the station as a whole)");
            case ChargingProfilePurposeEnumType.TxProfile when evseId == 0:
                return new("evseId", "a TxProfile is set on the EVSE of its transaction, not on EVSE 0");
            case ChargingProfilePurposeEnumType.TxProfile when string.IsNullOrEmpty(profile.TransactionId):
                return new(p + ".transactionId", "a TxProfile needs the transactionId of the ongoing transaction it limits");
            case not ChargingProfilePurposeEnumType.TxProfile when profile.TransactionId is not null:
                return new(p + ".transactionId", "only a TxProfile carries a transactionId");
        }

        if (profile.StackLevel < 0)
        {
            return new(p + ".stackLevel", "is 0 or more");
        }

        if (profile.Id <= 0)
        {
            return new(p + ".id", "is above 0");
        }

        switch (profile.ChargingProfileKind)
        {
            case ChargingProfileKindEnumType.Recurring when profile.RecurrencyKind is null:
                return new(p + ".recurrencyKind", "a Recurring profile says Daily or Weekly");
            case not ChargingProfileKindEnumType.Recurring when profile.RecurrencyKind is not null:
                return new(p + ".recurrencyKind", "is given for a Recurring profile only");
        }

        if (profile.ValidFrom is { } from && profile.ValidTo is { } to && to <= from)
        {
            return new(p + ".validTo", "must be after validFrom");
        }

        if (profile.ValidTo is { } until && until <= now)
        {
            return new(p + ".validTo", $"is not in the future (now {now:O}): the profile would never be in force");
        }

        if (profile.ChargingSchedule.Count == 0)
        {
            return new(p + ".chargingSchedule", "has at least one schedule");
        }

        if (profile.ChargingSchedule.Count > 1 && profile.ChargingSchedule.Select(s => s.Id).Distinct().Count() != profile.ChargingSchedule.Count)
        {
            return new(p + ".chargingSchedule", "each schedule has an id of its own");
        }

        for (var i = 0; i < profile.ChargingSchedule.Count; i++)
        {
            if (CheckSchedule(profile, profile.ChargingSchedule[i], $"{p}.chargingSchedule[{i}]") is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static ChargingProfileProblem? CheckSchedule(ChargingProfileType profile, ChargingScheduleType schedule, string s)
    {
        switch (profile.ChargingProfileKind)
        {
            case ChargingProfileKindEnumType.Absolute or ChargingProfileKindEnumType.Recurring when schedule.StartSchedule is null:
                return new(s + ".startSchedule", $"an {profile.ChargingProfileKind} profile's schedule says when it starts");
            case ChargingProfileKindEnumType.Relative when schedule.StartSchedule is not null:
                return new(s + ".startSchedule", "a Relative profile's schedule starts with the transaction: leave startSchedule out");
        }

        if (schedule.Duration is < 0)
        {
            return new(s + ".duration", "is 0 or more seconds");
        }

        if (profile.ChargingProfileKind == ChargingProfileKindEnumType.Recurring && profile.RecurrencyKind is { } recurrency)
        {
            var period = recurrency == RecurrencyKindEnumType.Daily ? Day : Week;
            if (schedule.Duration is > 0 and var d && d > period)
            {
                return new(s + ".duration", $"a {recurrency} schedule lasts at most {period} s");
            }
        }

        if (schedule.MinChargingRate is < 0)
        {
            return new(s + ".minChargingRate", "is 0 or more");
        }

        var periods = schedule.ChargingSchedulePeriod;
        if (periods.Count == 0)
        {
            return new(s + ".chargingSchedulePeriod", "has at least one period");
        }

        if (periods[0].StartPeriod != 0)
        {
            return new(s + ".chargingSchedulePeriod[0].startPeriod", "the first period starts at 0");
        }

        for (var i = 0; i < periods.Count; i++)
        {
            var period = periods[i];
            var at = $"{s}.chargingSchedulePeriod[{i}]";
            if (i > 0 && period.StartPeriod <= periods[i - 1].StartPeriod)
            {
                return new(at + ".startPeriod", $"periods start in ascending order ({period.StartPeriod} is not after {periods[i - 1].StartPeriod})");
            }

            if (schedule.Duration is > 0 and var length && period.StartPeriod >= length)
            {
                return new(at + ".startPeriod", $"starts at or after the schedule's duration ({length} s)");
            }

            if (period.Limit < 0)
            {
                return new(at + ".limit", "is 0 or more");
            }

            if (period.NumberPhases is < 1 or > 3)
            {
                return new(at + ".numberPhases", "is 1, 2 or 3");
            }

            if (period.PhaseToUse is { } phase && (phase is < 1 or > 3 || period.NumberPhases != 1))
            {
                return new(at + ".phaseToUse", "is 1, 2 or 3, and only with numberPhases 1");
            }
        }

        return null;
    }

    /// <summary>
    /// K01.FR.05/FR.06: whether a profile the station holds (<paramref name="held"/> on <paramref name="heldEvseId"/>) is
    /// replaced when it accepts <paramref name="profile"/> for <paramref name="evseId"/>: the same id (FR.05), or, where a
    /// station took one that FR.06 tells it to refuse, the same purpose and stackLevel on the same EVSE with an overlapping
    /// validity (for a TxProfile, of the same transaction), which it cannot hold side by side. Profiles of the same purpose
    /// and stackLevel whose validity does not overlap are both kept, as the station keeps them.
    /// </summary>
    public static bool Replaces(int evseId, ChargingProfileType profile, int heldEvseId, ChargingProfileType held)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(held);
        if (held.Id == profile.Id)
        {
            return true;
        }

        if (heldEvseId != evseId || held.ChargingProfilePurpose != profile.ChargingProfilePurpose || held.StackLevel != profile.StackLevel)
        {
            return false;
        }

        return profile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.TxProfile
            ? held.TransactionId == profile.TransactionId
            : (held.ValidFrom ?? DateTimeOffset.MinValue) < (profile.ValidTo ?? DateTimeOffset.MaxValue)
                && (profile.ValidFrom ?? DateTimeOffset.MinValue) < (held.ValidTo ?? DateTimeOffset.MaxValue);
    }

    /// <summary>
    /// The limit a schedule of <paramref name="profile"/> sets at <paramref name="now"/> (in the schedule's unit), or null when
    /// none is in force then: before validFrom or startSchedule, after validTo or its duration. A Relative schedule is read
    /// from its start (its first period), a Recurring one within its day or week.
    /// </summary>
    public static (decimal Limit, ChargingRateUnitEnumType Unit)? LimitAt(ChargingProfileType profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if ((profile.ValidFrom is { } from && now < from) || (profile.ValidTo is { } to && now >= to) || profile.ChargingSchedule.Count == 0)
        {
            return null;
        }

        var schedule = profile.ChargingSchedule[0];
        double offset;
        switch (profile.ChargingProfileKind)
        {
            case ChargingProfileKindEnumType.Relative:
                offset = 0;
                break;
            case ChargingProfileKindEnumType.Recurring:
                if (schedule.StartSchedule is not { } first || now < first)
                {
                    return null;
                }

                var cycle = profile.RecurrencyKind == RecurrencyKindEnumType.Weekly ? Week : Day;
                offset = (now - first).TotalSeconds % cycle;
                break;
            default:
                if (schedule.StartSchedule is not { } start || now < start)
                {
                    return null;
                }

                offset = (now - start).TotalSeconds;
                break;
        }

        if (schedule.Duration is > 0 and var duration && offset >= duration)
        {
            return null;
        }

        var period = schedule.ChargingSchedulePeriod.LastOrDefault(p => p.StartPeriod <= offset);
        return period is null ? null : (period.Limit, schedule.ChargingRateUnit);
    }
}
