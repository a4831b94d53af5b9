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
    public async Task K01_a_TxProfile_during_a_transaction_is_stored_and_limits_what_the_EV_draws()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K01");
        var started = await Charge(h, station);
        Assert.Equal(11000m, Power(station));

        var set = await Set(h, "CS-K01", 1, Tx(1, 10m));
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, set.Status);

        // 10 A on 3 phases at 230 V: 6900 W; the EV draws that, the rate control holds it and CurrentOffered reads 10 A.
        Assert.Equal(6900m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(6900m, Power(station));
        Assert.Equal(10m, station.Hardware.Meter.Read(1, MeasurandEnumType.CurrentOffered)!.Value);
        var installed = Assert.Single(station.SmartCharging.Profiles);
        Assert.Equal(started.TransactionInfo.TransactionId, installed.Profile.TransactionId);
        Assert.Equal(ChargingLimitSourceEnumType.CSO, installed.Source);

        // The same id replaces it; so does another id with the same purpose and stack level on the EVSE.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(1, 16m))).Status);
        Assert.Equal(11000m, Power(station));
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(2, 8m, ChargingRateUnitEnumType.W))).Status);
        Assert.Equal(2, Assert.Single(station.SmartCharging.Profiles).Id);
        Assert.Equal(0m, station.Hardware.RateControl.Limit(1)); // 8 W is below 6 A: paused

        // K01: a TxProfile ends with its transaction; the limit is lifted.
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01", 1, Tx(2, 12m))).Status);
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
        await Charge(h, station);

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MIN", 1, Tx(5, 5m))).Status);
        var suspended = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TransactionInfo.ChargingState == ChargingStateEnumType.SuspendedEVSE);
        Assert.Equal(TriggerReasonEnumType.ChargingStateChanged, suspended.TriggerReason);
        Assert.Equal(0m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(0m, Power(station));

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MIN", 1, Tx(5, 6m))).Status);
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
    public async Task K01_meter_values_show_the_limit_within_a_second_of_SetChargingProfile()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-K01-MV", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedInterval", "1")));
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-K01-MV", options: options);
        await Charge(h, station);

        Assert.Equal(ChargingProfileStatusEnumType.Accepted, (await Set(h, "CS-K01-MV", 1, Tx(7, 10m))).Status);
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

        await Rejected(1, Tx(1, 10m), "TxNotFound");
        await Rejected(9, TxDefault(2, 10m), "UnknownEvse");
        await Rejected(1, StationMax(3, 10000m), "InvalidProfile");
        await Rejected(0, Profile(4, ChargingProfilePurposeEnumType.ChargingStationExternalConstraints, 10m), "InvalidProfile");
        await Rejected(0, TxDefault(5, 10m, stack: 11), "InvalidStackLevel");
        await Charge(h, station);
        await Rejected(1, Tx(6, 10m, transactionId: "not-this-one"), "TxNotFound");
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
