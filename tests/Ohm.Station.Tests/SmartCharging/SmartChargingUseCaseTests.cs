using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>
/// Block K on the station against the test CSMS over loopback: GetCompositeSchedule (K08), the chargingProfile of a
/// RequestStartTransaction (K05), offline behaviour (K06, K07), GetChargingProfiles with ReportChargingProfiles parts
/// (K09), ClearChargingProfile (K10) and a local energy manager's external limits (K11-K14: with and without a
/// transaction, released, from a local controller).
/// </summary>
public sealed class SmartChargingUseCaseTests
{
    private static readonly IdTokenType Token = new() { IdToken = "K-TOKEN", Type = IdTokenEnumType.ISO14443 };

    private static Task<SetChargingProfileResponse> Set(StationHarness h, string id, int evse, ChargingProfileType profile) =>
        h.Csms.Call(id, new SetChargingProfileRequest { EvseId = evse, ChargingProfile = profile });

    private static async Task<TransactionEventRequest> Charge(StationHarness h, ChargingStation station, int evse = 1)
    {
        await Drive.Do(station, "plug", evse);
        await Drive.Do(station, "auth", evse);
        return await h.Csms.WaitForEvent(TransactionEventEnumType.Started, e => e.Evse?.Id == evse);
    }

    [Fact]
    public async Task K08_GetCompositeSchedule_answers_the_composite_in_the_unit_asked_and_rejects_an_unknown_EVSE()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K08");

        // No profile: the EVSE's own maximum (22 kW).
        var none = await h.Csms.Call("CS-K08", new GetCompositeScheduleRequest { EvseId = 1, Duration = 600, ChargingRateUnit = ChargingRateUnitEnumType.W });
        Assert.Equal(GenericStatusEnumType.Accepted, none.Status);
        Assert.Equal(22000m, Assert.Single(none.Schedule!.ChargingSchedulePeriod).Limit);
        Assert.Null(station.SmartCharging.Compose(1, 600));

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K08", 0, TxDefault(1, 10m))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K08", 0, StationMax(2, 6000m))).Status);
        var amps = await h.Csms.Call("CS-K08", new GetCompositeScheduleRequest { EvseId = 1, Duration = 3600, ChargingRateUnit = ChargingRateUnitEnumType.A });
        Assert.Equal(GenericStatusEnumType.Accepted, amps.Status);
        Assert.Equal(1, amps.Schedule!.EvseId);
        Assert.Equal(3600, amps.Schedule.Duration);
        Assert.Equal(8.6m, Assert.Single(amps.Schedule.ChargingSchedulePeriod).Limit);
        var watts = await h.Csms.Call("CS-K08", new GetCompositeScheduleRequest { EvseId = 1, Duration = 3600, ChargingRateUnit = ChargingRateUnitEnumType.W });
        Assert.Equal(6000m, Assert.Single(watts.Schedule!.ChargingSchedulePeriod).Limit);
        var preferred = await h.Csms.Call("CS-K08", new GetCompositeScheduleRequest { EvseId = 0, Duration = 60 });
        Assert.Equal(ChargingRateUnitEnumType.A, preferred.Schedule!.ChargingRateUnit);

        var unknown = await h.Csms.Call("CS-K08", new GetCompositeScheduleRequest { EvseId = 9, Duration = 60 });
        Assert.Equal(GenericStatusEnumType.Rejected, unknown.Status);
        Assert.Equal("UnknownEvse", unknown.StatusInfo!.ReasonCode);

        await h.StartStation("CS-K08-W", StationHarness.Config(c => c.With("SmartChargingCtrlr", "RateUnit", "W")));
        var unsupported = await h.Csms.Call("CS-K08-W", new GetCompositeScheduleRequest { EvseId = 1, Duration = 60, ChargingRateUnit = ChargingRateUnitEnumType.A });
        Assert.Equal(GenericStatusEnumType.Rejected, unsupported.Status);
        Assert.Equal("UnsupportedRateUnit", unsupported.StatusInfo!.ReasonCode);
    }

    [Fact]
    public async Task K05_the_TxProfile_of_RequestStartTransaction_limits_the_new_transaction_and_another_purpose_is_Rejected()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K05");

        var wrong = await h.Csms.Call("CS-K05", new RequestStartTransactionRequest { EvseId = 1, RemoteStartId = 1, IdToken = Token, ChargingProfile = TxDefault(50, 10m) });
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, wrong.Status);
        Assert.Equal("InvalidProfile", wrong.StatusInfo!.ReasonCode);

        var start = await h.Csms.Call("CS-K05", new RequestStartTransactionRequest { EvseId = 1, RemoteStartId = 2, IdToken = Token, ChargingProfile = Tx(51, 10m) });
        Assert.Equal(RequestStartStopStatusEnumType.Accepted, start.Status);
        await Drive.Do(station, "plug");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var installed = Assert.Single(station.SmartCharging.Profiles);
        Assert.Equal(51, installed.Id);
        Assert.Equal(started.TransactionInfo.TransactionId, installed.Profile.TransactionId);
        Assert.Equal(6900m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(51, station.SmartCharging.TxProfile(1)!.Id);
    }

    [Fact]
    public async Task K06_K07_offline_the_profiles_keep_running_and_the_TxDefaultProfile_limits_a_transaction_started_offline()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K07", StationHarness.Config(c => c.With("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true")));
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K07", 0, TxDefault(1, 8m))).Status);
        var tx = (await Charge(h, station, 2)).TransactionInfo.TransactionId;
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K07", 2, Tx(2, 12m, transactionId: tx))).Status);

        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");

        // K06: the TxProfile keeps limiting EVSE 2; K07: a transaction started offline gets the TxDefaultProfile.
        Assert.Equal(8280m, station.Hardware.RateControl.Limit(2));
        await Drive.Do(station, "plug", 1);
        await station.Authorization.PresentTokenAsync(1, "OFFLINE-K07");
        await TestCsms.Until(() => station.Evses[1].Transaction is not null, "the offline transaction");
        Assert.Equal(5520m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(5520m, station.Hardware.Meter.Read(1, MeasurandEnumType.PowerActiveImport)!.Value);

        await station.SetOfflineAsync(false);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started, e => e.Evse?.Id == 1);
        Assert.True(started.Offline);
    }

    [Fact]
    public async Task K01_FR_06_FR_52_FR_53_a_conflicting_profile_is_Rejected_DuplicateProfile_on_the_wire_and_the_installed_one_holds()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K01-DUP");
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DUP", 0, TxDefault(1, 16m))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DUP", 2, TxDefault(2, 12m, stack: 3))).Status);

        async Task Duplicate(int evse, ChargingProfileType profile)
        {
            var answer = await Set(h, "CS-K01-DUP", evse, profile);
            Assert.Equal(ChargingProfileStatusEnumType.Rejected, answer.Status);
            Assert.Equal("DuplicateProfile", answer.StatusInfo!.ReasonCode);
            Assert.False(string.IsNullOrWhiteSpace(answer.StatusInfo.AdditionalInfo));
        }

        await Duplicate(0, TxDefault(3, 10m)); // FR.06: EVSE 0, TxDefaultProfile, stackLevel 0, both valid at all times
        await Duplicate(1, TxDefault(3, 10m)); // FR.52: stackLevel 0 is used on EVSE 0
        await Duplicate(0, TxDefault(3, 10m, stack: 3)); // FR.53: stackLevel 3 is used on EVSE 2
        Assert.Equal([1, 2], station.SmartCharging.Profiles.Select(p => p.Id).Order());
        Assert.Equal(11040m, station.SmartCharging.CompositeLimitW(1));

        // FR.05: the same id replaces; FR.06: a validity that does not overlap stands beside it.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DUP", 0, TxDefault(1, 10m))).Status);
        Assert.Equal(6900m, station.SmartCharging.CompositeLimitW(1));
        var day = new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DUP", 2, Profile(4, ChargingProfilePurposeEnumType.TxDefaultProfile, 8m, stack: 5, validFrom: day, validTo: day.AddDays(1)))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DUP", 2, Profile(5, ChargingProfilePurposeEnumType.TxDefaultProfile, 8m, stack: 5, validFrom: day.AddDays(1)))).Status);
        await Duplicate(2, Profile(6, ChargingProfilePurposeEnumType.TxDefaultProfile, 8m, stack: 5, validFrom: day.AddHours(12), validTo: day.AddHours(36)));
        Assert.Equal([1, 2, 4, 5], station.SmartCharging.Profiles.Select(p => p.Id).Order());
    }

    [Fact]
    public async Task K09_GetChargingProfiles_reports_the_matching_profiles_in_parts_of_ItemsPerMessage_or_answers_NoProfiles()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-K09", StationHarness.Config(c => c.With("DeviceDataCtrlr", "ItemsPerMessage", "1", "GetReport")));
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K09", 0, TxDefault(1, 16m))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K09", 0, TxDefault(2, 10m, stack: 1))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K09", 2, TxDefault(3, 12m, stack: 2))).Status);

        var all = await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 91, ChargingProfile = new ChargingProfileCriterionType() });
        Assert.Equal(GetChargingProfileStatusEnumType.Accepted, all.Status);
        await TestCsms.Until(() => h.Csms.Of<ReportChargingProfilesRequest>("CS-K09").Count(r => r.RequestId == 91) == 3, "three parts");
        var parts = h.Csms.Of<ReportChargingProfilesRequest>("CS-K09").Where(r => r.RequestId == 91).ToList();
        Assert.Equal([true, true, false], parts.Select(p => p.Tbc == true));
        Assert.Equal([0, 0, 2], parts.Select(p => p.EvseId));
        Assert.All(parts, p => Assert.Equal(ChargingLimitSourceEnumType.CSO, p.ChargingLimitSource));
        Assert.Equal([1, 2, 3], parts.SelectMany(p => p.ChargingProfile).Select(p => p.Id).Order());

        var level = await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 92, EvseId = 0, ChargingProfile = new ChargingProfileCriterionType { StackLevel = 1 } });
        Assert.Equal(GetChargingProfileStatusEnumType.Accepted, level.Status);
        var one = await h.Csms.WaitFor<ReportChargingProfilesRequest>(r => r.RequestId == 92);
        Assert.Equal(2, Assert.Single(one.ChargingProfile).Id);
        Assert.False(one.Tbc ?? false);

        var byId = await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 93, ChargingProfile = new ChargingProfileCriterionType { ChargingProfileId = [3] } });
        Assert.Equal(GetChargingProfileStatusEnumType.Accepted, byId.Status);
        Assert.Equal(2, (await h.Csms.WaitFor<ReportChargingProfilesRequest>(r => r.RequestId == 93)).EvseId);

        Assert.Equal(GetChargingProfileStatusEnumType.NoProfiles, (await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 94, ChargingProfile = new ChargingProfileCriterionType { ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxProfile } })).Status);
        Assert.Equal(GetChargingProfileStatusEnumType.NoProfiles, (await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 95, ChargingProfile = new ChargingProfileCriterionType { ChargingLimitSource = [ChargingLimitSourceEnumType.EMS] } })).Status);
        Assert.Equal(GetChargingProfileStatusEnumType.NoProfiles, (await h.Csms.Call("CS-K09", new GetChargingProfilesRequest { RequestId = 96, EvseId = 1, ChargingProfile = new ChargingProfileCriterionType() })).Status);
        Assert.DoesNotContain(h.Csms.Of<ReportChargingProfilesRequest>("CS-K09"), r => r.RequestId >= 94);
    }

    [Fact]
    public async Task K10_ClearChargingProfile_by_id_or_criteria_answers_Accepted_or_Unknown_and_lifts_the_limit()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K10");
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K10", 0, TxDefault(1, 16m))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K10", 0, TxDefault(2, 10m, stack: 1))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K10", 1, TxDefault(3, 12m, stack: 2))).Status);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K10", 0, StationMax(4, 20000m))).Status);
        Assert.Null(await station.SmartCharging.SetExternalLimitAsync(0, 15000m));

        Assert.Equal(ClearChargingProfileStatusEnumType.Unknown, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest { ChargingProfileId = 77 })).Status);
        Assert.Equal(ClearChargingProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest { ChargingProfileId = 3 })).Status);
        Assert.Equal(6900m, station.SmartCharging.CompositeLimitW(1));

        var criteria = new ClearChargingProfileType { EvseId = 0, ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxDefaultProfile, StackLevel = 1 };
        Assert.Equal(ClearChargingProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest { ChargingProfileCriteria = criteria })).Status);
        Assert.Equal(ClearChargingProfileStatusEnumType.Unknown, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest { ChargingProfileCriteria = criteria })).Status);
        Assert.Equal(11040m, station.SmartCharging.CompositeLimitW(1));

        // Everything the CSMS set goes; the local energy manager's constraints stay.
        Assert.Equal(ClearChargingProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest())).Status);
        var left = Assert.Single(station.SmartCharging.Profiles);
        Assert.Equal(ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, left.Purpose);
        Assert.Equal(ClearChargingProfileStatusEnumType.Unknown, (await h.Csms.Call("CS-K10", new ClearChargingProfileRequest { ChargingProfileId = left.Id })).Status);
        Assert.Equal(15000m, station.SmartCharging.CompositeLimitW(1));
    }

    [Fact]
    public async Task K11_K12_K13_an_external_limit_caps_the_composite_is_notified_and_released_with_ClearedChargingLimit()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K11");
        var tx = (await Charge(h, station)).TransactionInfo.TransactionId;
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K11", 1, Tx(1, 16m, transactionId: tx))).Status);
        Assert.Equal(11000m, station.Hardware.Meter.Read(1, MeasurandEnumType.PowerActiveImport)!.Value);

        Assert.Null(await station.SmartCharging.SetExternalLimitAsync(1, 4140m, ChargingLimitSourceEnumType.SO, isGridCritical: true));
        var notified = await h.Csms.WaitFor<NotifyChargingLimitRequest>();
        Assert.Equal(1, notified.EvseId);
        Assert.Equal(ChargingLimitSourceEnumType.SO, notified.ChargingLimit.ChargingLimitSource);
        Assert.True(notified.ChargingLimit.IsGridCritical);
        Assert.Null(notified.ChargingSchedule); // NotifyChargingLimitWithSchedules false
        Assert.Equal(4140m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(4140m, station.Hardware.Meter.Read(1, MeasurandEnumType.PowerActiveImport)!.Value);
        var composite = await h.Csms.Call("CS-K11", new GetCompositeScheduleRequest { EvseId = 1, Duration = 60, ChargingRateUnit = ChargingRateUnitEnumType.A });
        Assert.Equal(6m, Assert.Single(composite.Schedule!.ChargingSchedulePeriod).Limit);

        // The CSMS sees it with GetChargingProfiles, by its source.
        Assert.Equal(GetChargingProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-K11", new GetChargingProfilesRequest { RequestId = 5, ChargingProfile = new ChargingProfileCriterionType { ChargingLimitSource = [ChargingLimitSourceEnumType.SO] } })).Status);
        var report = await h.Csms.WaitFor<ReportChargingProfilesRequest>(r => r.RequestId == 5);
        Assert.Equal(ChargingLimitSourceEnumType.SO, report.ChargingLimitSource);
        Assert.Equal(ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, Assert.Single(report.ChargingProfile).ChargingProfilePurpose);

        // K12: a change below LimitChangeSignificance (1 %) is not notified; a larger one is, with the schedule when asked for.
        Assert.Null(await station.SmartCharging.SetExternalLimitAsync(1, 4150m, ChargingLimitSourceEnumType.SO));
        Assert.Equal(SetVariableStatusEnumType.Accepted, station.Model.Set("SmartChargingCtrlr", "NotifyChargingLimitWithSchedules", "true"));
        Assert.Null(await station.SmartCharging.SetExternalLimitAsync(1, 5000m, ChargingLimitSourceEnumType.SO));
        await TestCsms.Until(() => h.Csms.Of<NotifyChargingLimitRequest>("CS-K11").Count == 2, "the second NotifyChargingLimit");
        var second = h.Csms.Of<NotifyChargingLimitRequest>("CS-K11")[1];
        Assert.Equal(5000m, Assert.Single(Assert.Single(second.ChargingSchedule!).ChargingSchedulePeriod).Limit);

        // K13: released: ClearedChargingLimit, and the TxProfile alone limits again.
        Assert.True(await station.SmartCharging.ReleaseExternalLimitAsync(1, ChargingLimitSourceEnumType.SO));
        var cleared = await h.Csms.WaitFor<ClearedChargingLimitRequest>();
        Assert.Equal(ChargingLimitSourceEnumType.SO, cleared.ChargingLimitSource);
        Assert.Equal(1, cleared.EvseId);
        Assert.Equal(11040m, station.Hardware.RateControl.Limit(1));
        Assert.False(await station.SmartCharging.ReleaseExternalLimitAsync(1, ChargingLimitSourceEnumType.SO));
    }

    [Fact]
    public async Task K11_external_limits_are_refused_with_ExternalControlSignalsEnabled_false_or_as_CSO()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K11-OFF", StationHarness.Config(c => c.With("SmartChargingCtrlr", "ExternalControlSignalsEnabled", "false")));
        Assert.Equal(ProfileValidationCodes.NoSmartCharging, (await station.SmartCharging.SetExternalLimitAsync(1, 4000m))!.ReasonCode);
        Assert.Equal(ProfileValidationCodes.InvalidProfile, (await station.SmartCharging.SetExternalLimitAsync(1, 4000m, ChargingLimitSourceEnumType.CSO))!.ReasonCode);
        Assert.Equal(ProfileValidationCodes.UnknownEvse, (await (await h.StartStation("CS-K11-EVSE")).SmartCharging.SetExternalLimitAsync(5, 4000m))!.ReasonCode);
        Assert.Empty(station.SmartCharging.Profiles);
    }
}

file static class ProfileValidationCodes
{
    public const string NoSmartCharging = Ohm.Station.ChargingProfiles.ProfileValidation.NoSmartCharging;
    public const string InvalidProfile = Ohm.Station.ChargingProfiles.ProfileValidation.InvalidProfile;
    public const string UnknownEvse = Ohm.Station.ChargingProfiles.ProfileValidation.UnknownEvse;
}
