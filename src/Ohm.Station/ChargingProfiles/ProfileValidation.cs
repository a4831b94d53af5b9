using System.Globalization;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.ChargingProfiles;

/// <summary>What SmartChargingCtrlr allows: Enabled, RateUnit, ProfileStackLevel, PeriodsPerSchedule, Entries (ChargingProfiles), ACPhaseSwitchingSupported.</summary>
public sealed record ProfileLimits(bool Enabled, IReadOnlyCollection<string> RateUnits, int MaxStackLevel, int PeriodsPerSchedule, int Entries, bool PhaseSwitching)
{
    /// <summary>The defaults of the built-in configurations.</summary>
    public static ProfileLimits Default { get; } = new(true, ["A", "W"], 10, 24, 20, false);
}

/// <summary>Why a profile is refused: the statusInfo of the Rejected answer.</summary>
/// <param name="ReasonCode">The reasonCode (at most 20 characters).</param>
/// <param name="AdditionalInfo">What exactly is wrong, for a person.</param>
public sealed record ProfileRejection(string ReasonCode, string AdditionalInfo)
{
    /// <summary>As the statusInfo of an answer.</summary>
    public StatusInfoType ToStatusInfo() => new() { ReasonCode = ReasonCode, AdditionalInfo = AdditionalInfo.Length > 512 ? AdditionalInfo[..512] : AdditionalInfo };
}

/// <summary>
/// K01: the rules a charging profile must meet before the station installs it (pure; the facts are passed in). A rule
/// broken gives the reasonCode and a sentence; null means the profile is valid.
/// </summary>
public static class ProfileValidation
{
    /// <summary>The profile's target does not exist.</summary>
    public const string UnknownEvse = "UnknownEvse";

    /// <summary>Smart charging is disabled (SmartChargingCtrlr.Enabled false).</summary>
    public const string NoSmartCharging = "NoSmartCharging";

    /// <summary>A rule of the profile itself (purpose, EVSE, kind, validity).</summary>
    public const string InvalidProfile = "InvalidProfile";

    /// <summary>A rule of a schedule (periods, phases, start).</summary>
    public const string InvalidSchedule = "InvalidSchedule";

    /// <summary>A TxProfile for no running transaction, or another transaction.</summary>
    public const string TxNotFound = "TxNotFound";

    /// <summary>The stackLevel above ProfileStackLevel.</summary>
    public const string InvalidStackLevel = "InvalidStackLevel";

    /// <summary>A chargingRateUnit not in SmartChargingCtrlr.RateUnit.</summary>
    public const string UnsupportedRateUnit = "UnsupportedRateUnit";

    /// <summary>Another profile of the same purpose and stackLevel already holds (K01.FR.06, FR.39, FR.52, FR.53).</summary>
    public const string DuplicateProfile = "DuplicateProfile";

    /// <summary>More profiles than SmartChargingCtrlr.Entries.</summary>
    public const string TooManyProfiles = "TooManyProfiles";

    /// <summary>
    /// Checks a profile set on <paramref name="evseId"/>. <paramref name="evseExists"/> tells which EVSEs exist,
    /// <paramref name="transactionOf"/> the running transaction of an EVSE; <paramref name="fromCsms"/> is false for a
    /// local energy manager's profile; <paramref name="entriesAfter"/> is how many profiles the station would hold with
    /// it installed. <paramref name="forNewTransaction"/> is true for the profile of a RequestStartTransaction (K05): a
    /// TxProfile for the transaction about to start.
    /// </summary>
    public static ProfileRejection? Validate(
        int evseId,
        ChargingProfileType profile,
        ProfileLimits limits,
        Func<int, bool> evseExists,
        Func<int, string?> transactionOf,
        DateTimeOffset now,
        bool fromCsms = true,
        int entriesAfter = 1,
        bool forNewTransaction = false)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(evseExists);
        ArgumentNullException.ThrowIfNull(transactionOf);
        if (!limits.Enabled)
        {
            return new(NoSmartCharging, "SmartChargingCtrlr.Enabled is false: the station takes no charging profiles.");
        }

        if (evseId < 0 || (evseId > 0 && !evseExists(evseId)))
        {
            return new(UnknownEvse, $"The station has no EVSE {evseId.ToString(CultureInfo.InvariantCulture)}.");
        }

        if (PurposeRule(evseId, profile, fromCsms, transactionOf, forNewTransaction) is { } purpose)
        {
            return purpose;
        }

        if (profile.StackLevel > limits.MaxStackLevel)
        {
            return new(InvalidStackLevel, $"stackLevel {profile.StackLevel} is above SmartChargingCtrlr.ProfileStackLevel {limits.MaxStackLevel}.");
        }

        if (profile.ValidFrom is { } from && profile.ValidTo is { } to && to <= from)
        {
            return new(InvalidProfile, "validTo is not after validFrom.");
        }

        if (profile.ValidTo is { } until && until <= now)
        {
            return new(InvalidProfile, "validTo has passed: the profile would never apply.");
        }

        if (KindRule(profile) is { } kind)
        {
            return kind;
        }

        if (profile.ChargingSchedule.Count == 0)
        {
            return new(InvalidSchedule, "The profile has no chargingSchedule.");
        }

        // Several schedules are alternatives offered to an ISO 15118 EV: only a TxProfile or TxDefaultProfile of an EVSE.
        if (profile.ChargingSchedule.Count > 1
            && (evseId == 0 || profile.ChargingProfilePurpose is not (ChargingProfilePurposeEnumType.TxProfile or ChargingProfilePurposeEnumType.TxDefaultProfile)))
        {
            return new(InvalidSchedule, $"{profile.ChargingSchedule.Count} chargingSchedules: more than one only for a TxProfile or TxDefaultProfile of an EVSE.");
        }

        foreach (var schedule in profile.ChargingSchedule)
        {
            if (ScheduleRule(schedule, limits) is { } rule)
            {
                return rule;
            }
        }

        if (entriesAfter > limits.Entries)
        {
            return new(TooManyProfiles, $"The station holds at most {limits.Entries} charging profiles (SmartChargingCtrlr.Entries).");
        }

        return null;
    }

    private static ProfileRejection? PurposeRule(int evseId, ChargingProfileType profile, bool fromCsms, Func<int, string?> transactionOf, bool forNewTransaction)
    {
        switch (profile.ChargingProfilePurpose)
        {
            case ChargingProfilePurposeEnumType.ChargingStationExternalConstraints when fromCsms:
                return new(InvalidProfile, "ChargingStationExternalConstraints are set only by a local energy manager, never by the CSMS.");
            case ChargingProfilePurposeEnumType.ChargingStationMaxProfile when evseId != 0:
                return new(InvalidProfile, "A ChargingStationMaxProfile is set on EVSE 0 only.");
            case ChargingProfilePurposeEnumType.ChargingStationMaxProfile when profile.ChargingProfileKind == ChargingProfileKindEnumType.Relative:
                return new(InvalidProfile, "A ChargingStationMaxProfile cannot be Relative.");
            case ChargingProfilePurposeEnumType.TxProfile when evseId == 0:
                return new(InvalidProfile, "A TxProfile is set on the EVSE of its transaction, not on EVSE 0.");
            case ChargingProfilePurposeEnumType.TxProfile when forNewTransaction:
                return profile.TransactionId is null ? null : new(InvalidProfile, "The TxProfile of a RequestStartTransaction has no transactionId: the transaction does not exist yet.");
            case ChargingProfilePurposeEnumType.TxProfile when profile.TransactionId is null:
                return new(InvalidProfile, "A TxProfile names the transaction it is for (transactionId, K01.FR.03).");
            case ChargingProfilePurposeEnumType.TxProfile:
                var running = transactionOf(evseId);
                if (running is null)
                {
                    return new(TxNotFound, $"EVSE {evseId} has no ongoing transaction: a TxProfile needs one.");
                }

                return profile.TransactionId != running
                    ? new(TxNotFound, $"Transaction {profile.TransactionId} does not run on EVSE {evseId} (its transaction is {running}).")
                    : null;
            default:
                return forNewTransaction ? new(InvalidProfile, "The chargingProfile of a RequestStartTransaction must be a TxProfile.") : null;
        }
    }

    private static ProfileRejection? KindRule(ChargingProfileType profile)
    {
        var first = profile.ChargingSchedule.FirstOrDefault();
        switch (profile.ChargingProfileKind)
        {
            case ChargingProfileKindEnumType.Recurring:
                if (profile.RecurrencyKind is null)
                {
                    return new(InvalidProfile, "A Recurring profile needs recurrencyKind (Daily or Weekly).");
                }

                if (profile.ChargingSchedule.Any(s => s.StartSchedule is null))
                {
                    return new(InvalidSchedule, "A Recurring profile needs startSchedule: where its days or weeks start.");
                }

                if (first?.Duration is { } d && d > (profile.RecurrencyKind == RecurrencyKindEnumType.Weekly ? 7 * 86400 : 86400))
                {
                    return new(InvalidSchedule, $"duration {d} s is longer than the recurrence.");
                }

                return null;
            case ChargingProfileKindEnumType.Relative:
                return profile.ChargingSchedule.Any(s => s.StartSchedule is not null)
                    ? new(InvalidSchedule, "A Relative profile has no startSchedule: it starts with the transaction.")
                    : profile.RecurrencyKind is not null ? new(InvalidProfile, "recurrencyKind only goes with a Recurring profile.") : null;
            default:
                return profile.RecurrencyKind is not null ? new(InvalidProfile, "recurrencyKind only goes with a Recurring profile.") : null;
        }
    }

    private static ProfileRejection? ScheduleRule(ChargingScheduleType schedule, ProfileLimits limits)
    {
        var unit = schedule.ChargingRateUnit.ToString();
        if (!limits.RateUnits.Contains(unit, StringComparer.Ordinal))
        {
            return new(UnsupportedRateUnit, $"chargingRateUnit {unit} is not supported (SmartChargingCtrlr.RateUnit: {string.Join(",", limits.RateUnits)}).");
        }

        var periods = schedule.ChargingSchedulePeriod;
        if (periods.Count == 0)
        {
            return new(InvalidSchedule, $"Schedule {schedule.Id} has no chargingSchedulePeriod.");
        }

        if (periods.Count > limits.PeriodsPerSchedule)
        {
            return new(InvalidSchedule, $"Schedule {schedule.Id} has {periods.Count} periods; SmartChargingCtrlr.PeriodsPerSchedule allows {limits.PeriodsPerSchedule}.");
        }

        if (periods[0].StartPeriod != 0)
        {
            return new(InvalidSchedule, $"The first period of schedule {schedule.Id} starts at {periods[0].StartPeriod}, not 0.");
        }

        for (var i = 1; i < periods.Count; i++)
        {
            if (periods[i].StartPeriod <= periods[i - 1].StartPeriod)
            {
                return new(InvalidSchedule, $"The periods of schedule {schedule.Id} are not in ascending startPeriod order (period {i} starts at {periods[i].StartPeriod}).");
            }
        }

        if (schedule.Duration is { } duration && duration <= 0)
        {
            return new(InvalidSchedule, $"Schedule {schedule.Id} has duration {duration}: it must be positive.");
        }

        if (schedule.MinChargingRate is { } min && min < 0)
        {
            return new(InvalidSchedule, "minChargingRate is negative.");
        }

        foreach (var period in periods)
        {
            if (period.Limit < 0)
            {
                return new(InvalidSchedule, $"The period at {period.StartPeriod} s has a negative limit.");
            }

            if (period.NumberPhases is { } phases && phases is < 1 or > 3)
            {
                return new(InvalidSchedule, $"The period at {period.StartPeriod} s has numberPhases {phases}: 1 to 3.");
            }

            if (period.PhaseToUse is { } phase)
            {
                if (period.NumberPhases != 1)
                {
                    return new(InvalidSchedule, $"The period at {period.StartPeriod} s has phaseToUse without numberPhases 1.");
                }

                if (phase is < 1 or > 3)
                {
                    return new(InvalidSchedule, $"The period at {period.StartPeriod} s has phaseToUse {phase}: 1 to 3.");
                }

                if (!limits.PhaseSwitching)
                {
                    return new(InvalidSchedule, "phaseToUse needs SmartChargingCtrlr.ACPhaseSwitchingSupported.");
                }
            }
        }

        return null;
    }
}
