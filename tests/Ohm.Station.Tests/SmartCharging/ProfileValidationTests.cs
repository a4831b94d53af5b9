using Ohm.Ocpp.Messages;
using Ohm.Station.ChargingProfiles;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>K01: every rule a charging profile must meet, each with its reasonCode, on <see cref="ProfileValidation"/> alone.</summary>
public sealed class ProfileValidationTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);

    private static string? Reason(int evse, ChargingProfileType profile, ProfileLimits? limits = null, string? running = null, bool fromCsms = true, int entries = 1, bool forStart = false) =>
        ProfileValidation.Validate(evse, profile, limits ?? ProfileLimits.Default, id => id is 1 or 2, id => id == 1 ? running : null, Now, fromCsms, entries, forStart)?.ReasonCode;

    private static ChargingProfileType With(ChargingProfileType profile, Action<ChargingProfileType> change)
    {
        change(profile);
        return profile;
    }

    [Fact]
    public void K01_valid_profiles_of_each_purpose_pass()
    {
        Assert.Null(Reason(0, TxDefault(1, 16m)));
        Assert.Null(Reason(2, TxDefault(1, 16m)));
        Assert.Null(Reason(0, StationMax(1, 20000m)));
        Assert.Null(Reason(1, Tx(1, 16m, transactionId: "tx-1"), running: "tx-1"));
        Assert.Null(Reason(1, Profile(1, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 16m), fromCsms: false));
        Assert.Null(Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, kind: ChargingProfileKindEnumType.Recurring, recurrency: RecurrencyKindEnumType.Daily, startSchedule: Now)));
    }

    [Fact]
    public void K01_SmartChargingCtrlr_Enabled_false_rejects_every_profile() =>
        Assert.Equal("NoSmartCharging", Reason(0, TxDefault(1, 16m), ProfileLimits.Default with { Enabled = false }));

    [Fact]
    public void K01_an_unknown_EVSE_is_rejected() => Assert.Equal("UnknownEvse", Reason(7, TxDefault(1, 16m)));

    [Fact]
    public void K01_ChargingStationMaxProfile_only_on_EVSE_0_and_never_Relative()
    {
        Assert.Equal("InvalidProfile", Reason(1, StationMax(1, 20000m)));
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationMaxProfile, 20000m, ChargingRateUnitEnumType.W)));
    }

    [Fact]
    public void K01_ChargingStationExternalConstraints_never_from_the_CSMS() =>
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 16m)));

    [Fact]
    public void K01_a_TxProfile_needs_an_ongoing_transaction_on_its_EVSE_and_its_transactionId()
    {
        Assert.Equal("TxNotFound", Reason(1, Tx(1, 16m, transactionId: "tx-1")));
        Assert.Equal("TxNotFound", Reason(2, Tx(1, 16m, transactionId: "tx-1"), running: "tx-1"));
        Assert.Equal("TxNotFound", Reason(1, Tx(1, 16m, transactionId: "tx-9"), running: "tx-1"));
        Assert.Equal("InvalidProfile", Reason(0, Tx(1, 16m, transactionId: "tx-1"), running: "tx-1"));
    }

    [Fact]
    public void K01_FR_03_a_TxProfile_without_transactionId_is_Rejected()
    {
        // Even on the EVSE of a running transaction: only the TxProfile of a RequestStartTransaction (K05) has none.
        Assert.Equal("InvalidProfile", Reason(1, Tx(1, 16m), running: "tx-1"));
        Assert.Equal("InvalidProfile", Reason(1, Tx(1, 16m)));
        Assert.Null(Reason(1, Tx(1, 16m, transactionId: "tx-1"), running: "tx-1"));
        Assert.Null(Reason(1, Tx(1, 16m), forStart: true));
    }

    [Fact]
    public void K05_the_profile_of_a_remote_start_must_be_a_TxProfile_without_transactionId()
    {
        Assert.Null(Reason(1, Tx(1, 16m), forStart: true));
        Assert.Equal("InvalidProfile", Reason(1, TxDefault(1, 16m), forStart: true));
        Assert.Equal("InvalidProfile", Reason(1, Tx(1, 16m, transactionId: "tx-1"), forStart: true));
    }

    [Fact]
    public void K01_a_stackLevel_above_ProfileStackLevel_is_rejected()
    {
        Assert.Null(Reason(0, TxDefault(1, 16m, stack: 10)));
        Assert.Equal("InvalidStackLevel", Reason(0, TxDefault(1, 16m, stack: 11)));
        Assert.Equal("InvalidStackLevel", Reason(0, TxDefault(1, 16m, stack: 3), ProfileLimits.Default with { MaxStackLevel = 2 }));
    }

    [Fact]
    public void K01_a_chargingRateUnit_not_in_RateUnit_is_rejected()
    {
        var wattsOnly = ProfileLimits.Default with { RateUnits = ["W"] };
        Assert.Equal("UnsupportedRateUnit", Reason(0, TxDefault(1, 16m), wattsOnly));
        Assert.Null(Reason(0, TxDefault(1, 11000m, ChargingRateUnitEnumType.W), wattsOnly));
    }

    [Fact]
    public void K01_periods_start_at_0_ascend_and_are_at_most_PeriodsPerSchedule()
    {
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].ChargingSchedulePeriod[0].StartPeriod = 60)));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, more: [(600, 10m), (300, 12m)])));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, more: [(0, 10m)])));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, more: [(600, 10m), (1200, 12m)]), ProfileLimits.Default with { PeriodsPerSchedule = 2 }));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].ChargingSchedulePeriod.Clear())));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit = -1m)));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].Duration = 0)));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].MinChargingRate = -2m)));
    }

    [Fact]
    public void K01_numberPhases_1_to_3_and_phaseToUse_only_with_one_phase_and_phase_switching()
    {
        Assert.Null(Reason(0, TxDefault(1, 16m) is var p1 ? With(p1, p => p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = 1) : null!));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = 4)));
        Assert.Equal("InvalidSchedule", Reason(0, With(TxDefault(1, 16m), p => p.ChargingSchedule[0].ChargingSchedulePeriod[0].PhaseToUse = 1)));
        var onePhase = With(TxDefault(1, 16m), p => { p.ChargingSchedule[0].ChargingSchedulePeriod[0].NumberPhases = 1; p.ChargingSchedule[0].ChargingSchedulePeriod[0].PhaseToUse = 2; });
        Assert.Equal("InvalidSchedule", Reason(0, onePhase));
        Assert.Null(Reason(0, onePhase, ProfileLimits.Default with { PhaseSwitching = true }));
    }

    [Fact]
    public void K01_Recurring_needs_recurrencyKind_and_startSchedule_Relative_has_no_startSchedule()
    {
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, kind: ChargingProfileKindEnumType.Recurring, startSchedule: Now)));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, kind: ChargingProfileKindEnumType.Recurring, recurrency: RecurrencyKindEnumType.Weekly)));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, kind: ChargingProfileKindEnumType.Recurring, recurrency: RecurrencyKindEnumType.Daily, startSchedule: Now, duration: 90000)));
        Assert.Equal("InvalidSchedule", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, startSchedule: Now)));
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, kind: ChargingProfileKindEnumType.Absolute, startSchedule: Now, recurrency: RecurrencyKindEnumType.Daily)));
    }

    [Fact]
    public void K01_validTo_after_validFrom_and_not_past()
    {
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, validFrom: Now.AddHours(2), validTo: Now.AddHours(1))));
        Assert.Equal("InvalidProfile", Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, validTo: Now)));
        Assert.Null(Reason(0, Profile(1, ChargingProfilePurposeEnumType.TxDefaultProfile, 16m, validFrom: Now.AddDays(-1), validTo: Now.AddSeconds(1))));
    }

    [Fact]
    public void K01_several_schedules_only_for_a_TxProfile_or_TxDefaultProfile_of_an_EVSE()
    {
        static ChargingProfileType Twice(ChargingProfileType p)
        {
            p.ChargingSchedule.Add(new ChargingScheduleType { Id = 99, ChargingRateUnit = ChargingRateUnitEnumType.A, ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 8m }] });
            return p;
        }

        Assert.Null(Reason(1, Twice(Tx(1, 16m, transactionId: "tx-1")), running: "tx-1"));
        Assert.Null(Reason(2, Twice(TxDefault(1, 16m))));
        Assert.Equal("InvalidSchedule", Reason(0, Twice(TxDefault(1, 16m))));
        Assert.Equal("InvalidSchedule", Reason(0, Twice(StationMax(1, 20000m))));
    }

    [Fact]
    public void K01_more_profiles_than_Entries_are_rejected()
    {
        Assert.Null(Reason(0, TxDefault(1, 16m), entries: 20));
        Assert.Equal("TooManyProfiles", Reason(0, TxDefault(1, 16m), entries: 21));
    }
}
