using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>
/// Block K on the station against the test CSMS over loopback: SetChargingProfile stored and applied (K01), the composite
/// limit driving the simulated EV's power (what the meter reports), SuspendedEVSE below the EV's minimum of 6 A, the
/// TxDefaultProfile at a start (K03), TxProfiles ending with their transaction, profiles kept across a restart.
/// </summary>
public sealed class SmartChargingStationTests
{
    private static decimal Power(ChargingStation station, int evse = 1) => station.Hardware.Meter.Read(evse, MeasurandEnumType.PowerActiveImport)!.Value;

    private static async Task<TransactionEventRequest> Charge(StationHarness h, ChargingStation station, int evse = 1)
    {
        await Drive.Do(station, "plug", evse);
        await Drive.Do(station, "auth", evse);
        return await h.Csms.WaitForEvent(TransactionEventEnumType.Started, e => e.Evse?.Id == evse);
    }

    private static Task<SetChargingProfileResponse> Set(StationHarness h, string id, int evse, ChargingProfileType profile) =>
        h.Csms.Call(id, new SetChargingProfileRequest { EvseId = evse, ChargingProfile = profile });

    [Fact]
    public async Task K01_K02_a_TxProfile_during_a_transaction_is_stored_and_limits_what_the_EV_draws()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K01");
        var started = await Charge(h, station);
        Assert.Equal(11000m, Power(station));

        var tx = started.TransactionInfo.TransactionId;
        var set = await Set(h, "CS-K01", 1, Tx(1, 10m, transactionId: tx));
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, set.Status);

        // 10 A on 3 phases at 230 V: 6900 W; the EV draws that, the rate control holds it and CurrentOffered reads 10 A.
        Assert.Equal(6900m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(6900m, Power(station));
        Assert.Equal(10m, station.Hardware.Meter.Read(1, MeasurandEnumType.CurrentOffered)!.Value);

        // The rate changed by more than LimitChangeSignificance while Charging: an Updated event ChargingRateChanged with the meter.
        var rate = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.ChargingRateChanged);
        Assert.Contains(rate.MeterValue![0].SampledValue, v => v.Measurand == MeasurandEnumType.PowerActiveImport && v.Value == 6900m);
        var installed = Assert.Single(station.SmartCharging.Profiles);
        Assert.Equal(tx, installed.Profile.TransactionId);
        Assert.Equal(ChargingLimitSourceEnumType.CSO, installed.Source);

        // K01.FR.05: the same id replaces it. K01.FR.39: another id of the same transaction and stack level is Rejected.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(1, 16m, transactionId: tx))).Status);
        Assert.Equal(11000m, Power(station));
        var duplicate = await Set(h, "CS-K01", 1, Tx(2, 8m, ChargingRateUnitEnumType.W, transactionId: tx));
        Assert.Equal(ChargingProfileStatusEnumType.Rejected, duplicate.Status);
        Assert.Equal("DuplicateProfile", duplicate.StatusInfo!.ReasonCode);
        Assert.Equal(1, Assert.Single(station.SmartCharging.Profiles).Id);
        Assert.Equal(11000m, Power(station));

        // On a higher stack level it stands beside it and wins.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(2, 8m, ChargingRateUnitEnumType.W, stack: 1, transactionId: tx))).Status);
        Assert.Equal([1, 2], station.SmartCharging.Profiles.Select(p => p.Id).Order());
        Assert.Equal(0m, station.Hardware.RateControl.Limit(1)); // 8 W is below 6 A: paused

        // K01: a TxProfile ends with its transaction; the limit is lifted.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(2, 12m, stack: 1, transactionId: tx))).Status);
        Assert.Equal(8280m, station.Hardware.RateControl.Limit(1));
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Empty(station.SmartCharging.Profiles);
        Assert.Null(station.Hardware.RateControl.Limit(1));
    }

    [Fact]
    public async Task K01_a_limit_below_6_A_pauses_the_EV_as_SuspendedEVSE_and_a_higher_one_resumes_Charging()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K01-MIN");
        var tx = (await Charge(h, station)).TransactionInfo.TransactionId;

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MIN", 1, Tx(5, 5m, transactionId: tx))).Status);
        var suspended = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TransactionInfo.ChargingState == ChargingStateEnumType.SuspendedEVSE);
        Assert.Equal(TriggerReasonEnumType.ChargingStateChanged, suspended.TriggerReason);
        Assert.Equal(0m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(0m, Power(station));

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MIN", 1, Tx(5, 6m, transactionId: tx))).Status);
        var resumed = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TransactionInfo.ChargingState == ChargingStateEnumType.Charging && e.SeqNo > suspended.SeqNo);
        Assert.Equal(TriggerReasonEnumType.ChargingStateChanged, resumed.TriggerReason);
        Assert.Equal(4140m, Power(station));
    }

    [Fact]
    public async Task K03_a_TxDefaultProfile_on_EVSE_0_limits_a_transaction_from_its_start_and_survives_a_restart()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K03");
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K03", 0, TxDefault(3, 8m))).Status);

        var started = await Charge(h, station, 2);
        Assert.Equal(ChargingStateEnumType.Charging, started.TransactionInfo.ChargingState);
        Assert.Equal(5520m, station.Hardware.RateControl.Limit(2));
        Assert.Equal(5520m, Power(station, 2));

        // Persisted: the restarted station holds it and applies it.
        await station.StopAsync();
        var restarted = await h.StartStation("CS-K03");
        Assert.Equal(3, Assert.Single(restarted.SmartCharging.Profiles).Id);
        await TestCsms.Until(() => restarted.Hardware.RateControl.Limit(2) == 5520m, "the TxDefaultProfile applied after the restart");
    }

    [Fact]
    public async Task K04_two_charging_EVSEs_share_the_ChargingStationMaxProfile_and_one_gets_it_all_when_the_other_ends()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K04");
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K04", 0, StationMax(1, 11040m))).Status);
        await Charge(h, station, 1);
        Assert.Equal(11000m, Power(station, 1));
        await Charge(h, station, 2);
        await TestCsms.Until(() => station.Hardware.RateControl.Limit(1) == 5520m && station.Hardware.RateControl.Limit(2) == 5520m, "both EVSEs at half the maximum");
        Assert.Equal(11040m, Power(station, 1) + Power(station, 2));

        await Drive.Do(station, "unplug", 2);
        await TestCsms.Until(() => station.Hardware.RateControl.Limit(1) == 11040m, "EVSE 1 at the whole maximum again");
    }

    [Fact]
    public async Task K01_a_DC_station_takes_limits_in_W_only_and_has_no_AC_minimum_current()
    {
        await using var h = await StationHarness.StartAsync();
        var config = Ohm.Station.DeviceModel.DeviceModelConfig.Builtin("dc-fast")
            .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
            .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "0")
            .With("SampledDataCtrlr", "TxUpdatedInterval", "0")
            .With("AlignedDataCtrlr", "Interval", "0");
        var station = await h.StartStation("CS-K01-DC", config);
        var tx = (await Charge(h, station)).TransactionInfo.TransactionId;

        var amps = await Set(h, "CS-K01-DC", 1, Tx(1, 10m, transactionId: tx));
        Assert.Equal("UnsupportedRateUnit", amps.StatusInfo!.ReasonCode);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-DC", 1, Tx(1, 2000m, ChargingRateUnitEnumType.W, transactionId: tx))).Status);
        Assert.Equal(2000m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(2000m, Power(station));
        Assert.Equal(ChargingStateEnumType.Charging, station.Evses[1].Transaction!.ChargingState);
    }

    [Fact]
    public async Task K01_meter_values_show_the_limit_within_a_second_of_SetChargingProfile()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-K01-MV", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedInterval", "1")));
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-K01-MV", options: options);
        var tx = (await Charge(h, station)).TransactionInfo.TransactionId;

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MV", 1, Tx(7, 10m, transactionId: tx))).Status);
        var after = h.Csms.Events("CS-K01-MV").Count;
        bool Shown() => h.Csms.Events("CS-K01-MV").Skip(after).Any(e => e.MeterValue?.Any(m => m.SampledValue.Any(v => v.Measurand == MeasurandEnumType.PowerActiveImport && v.Value == 6900m)) == true);
        var elapsed = await clock.AdvanceUntil(TimeSpan.FromMilliseconds(250), Shown, TimeSpan.FromSeconds(5), "meter value at the limit");
        Assert.InRange(elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task K01_rejections_carry_a_reasonCode_and_nothing_is_stored()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K01-REJ");

        async Task Rejected(int evse, ChargingProfileType profile, string reason)
        {
            var answer = await Set(h, "CS-K01-REJ", evse, profile);
            Assert.Equal(ChargingProfileStatusEnumType.Rejected, answer.Status);
            Assert.Equal(reason, answer.StatusInfo!.ReasonCode);
            Assert.False(string.IsNullOrWhiteSpace(answer.StatusInfo.AdditionalInfo));
        }

        await Rejected(1, Tx(1, 10m, transactionId: "no-such-tx"), "TxNotFound");
        await Rejected(9, TxDefault(2, 10m), "UnknownEvse");
        await Rejected(1, StationMax(3, 10000m), "InvalidProfile");
        await Rejected(0, Profile(4, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 10m), "InvalidProfile");
        await Rejected(0, TxDefault(5, 10m, stack: 11), "InvalidStackLevel");
        await Charge(h, station);
        await Rejected(1, Tx(6, 10m, transactionId: "not-this-one"), "TxNotFound");
        await Rejected(1, Tx(7, 10m), "InvalidProfile"); // K01.FR.03: a TxProfile names its transaction
        Assert.Empty(station.SmartCharging.Profiles);

        // SmartChargingCtrlr.Enabled false: every profile Rejected; RateUnit W only: a schedule in A Rejected.
        var off = await h.StartStation("CS-K01-OFF", StationHarness.Config(c => c.With("SmartChargingCtrlr", "Enabled", "false")));
        var disabled = await Set(h, "CS-K01-OFF", 0, TxDefault(1, 10m));
        Assert.Equal("NoSmartCharging", disabled.StatusInfo!.ReasonCode);
        var watts = await h.StartStation("CS-K01-W", StationHarness.Config(c => c.With("SmartChargingCtrlr", "RateUnit", "W")));
        var amps = await Set(h, "CS-K01-W", 0, TxDefault(1, 10m));
        Assert.Equal("UnsupportedRateUnit", amps.StatusInfo!.ReasonCode);
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-W", 0, TxDefault(1, 7000m, ChargingRateUnitEnumType.W))).Status);
        Assert.Empty(off.SmartCharging.Profiles);
        Assert.Single(watts.SmartCharging.Profiles);
    }
}

/// <summary>K08 as the other blocks see it (<see cref="Ohm.Station.Context.ICompositeSchedules"/>): Changed at a set and at a period edge of the injected clock.</summary>
public sealed class CompositeScheduleSignalTests
{
    [Fact]
    public async Task K08_Changed_is_raised_when_a_profile_is_set_and_when_a_period_edge_passes_and_the_limit_follows_the_clock()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-K08-SIG");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-K08-SIG", options: options);
        var changed = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var schedules = Assert.IsAssignableFrom<Ohm.Station.Context.ICompositeSchedules>(station.SmartCharging);
        schedules.Changed += changed.Enqueue;
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var tx = (await h.Csms.WaitForEvent(TransactionEventEnumType.Started)).TransactionInfo.TransactionId;

        // 16 A for 60 s, then 5 A (below the minimum: paused), then 10 A from 120 s.
        var profile = ProfileBuilder.Profile(1, ChargingProfilePurposeEnumType.TxProfile, 16m, transactionId: tx, more: [(60, 5m), (120, 10m)]);
        var start = clock.GetUtcNow();
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-K08-SIG", new SetChargingProfileRequest { EvseId = 1, ChargingProfile = profile })).Status);
        await TestCsms.Until(() => changed.Contains(1), "Changed for EVSE 1");
        Assert.Equal(11040m, station.Hardware.RateControl.Limit(1));
        var composite = schedules.Compose(1, 180, ChargingRateUnitEnumType.A)!;
        Assert.Equal([16m, 5m, 10m], composite.ChargingSchedulePeriod.Select(p => p.Limit));
        Assert.Equal(1, schedules.TxProfile(1)!.Id);

        var count = changed.Count;
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => station.Hardware.RateControl.Limit(1) == 0m, TimeSpan.FromSeconds(90), "the 5 A period");
        Assert.InRange(clock.GetUtcNow() - start, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(62));
        await TestCsms.Until(() => changed.Count > count, "Changed at the period edge");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TransactionInfo.ChargingState == ChargingStateEnumType.SuspendedEVSE);

        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => station.Hardware.RateControl.Limit(1) == 6900m, TimeSpan.FromSeconds(90), "the 10 A period");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TransactionInfo.ChargingState == ChargingStateEnumType.Charging && e.TriggerReason == TriggerReasonEnumType.ChargingStateChanged);
    }
}
