using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.DeviceModel;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Iso15118;

/// <summary>K15-K17 over loopback: an Ohm station with a simulated ISO 15118 EV against the scriptable test CSMS (every message schema-checked).</summary>
public sealed class Iso15118Tests
{
    private static readonly DateTimeOffset Departure = new(2030, 1, 1, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task K15_FR_01_an_authorized_ISO_15118_EV_sends_NotifyEVChargingNeeds_with_its_needs_and_maxScheduleTuples()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var station = await h.StartStation("CS-K15-NEEDS");

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(30000, Departure, maxCurrentA: 16, minCurrentA: 6, maxScheduleTuples: 12));
        await Drive.Do(station, "auth");

        var sent = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>();
        Assert.Equal(1, sent.EvseId);
        Assert.Equal(12, sent.MaxScheduleTuples);
        Assert.Equal(EnergyTransferModeEnumType.ACThreePhase, sent.ChargingNeeds.RequestedEnergyTransfer);
        Assert.Equal(Departure, sent.ChargingNeeds.DepartureTime);
        var ac = sent.ChargingNeeds.AcChargingParameters!;
        Assert.Equal((30000, 6, 16, 400), (ac.EnergyAmount, ac.EvMinCurrent, ac.EvMaxCurrent, ac.EvMaxVoltage));
        Assert.Null(sent.ChargingNeeds.DcChargingParameters);

        // Only once the transaction runs: the needs came after the Started event.
        var all = h.Csms.All.Select(r => r.Action).ToList();
        Assert.True(all.IndexOf("TransactionEvent") < all.IndexOf("NotifyEVChargingNeeds"), string.Join(",", all));
        Assert.Equal(station.Evses[1].Transaction!.Id, station.Iso15118.Status(1)!.TransactionId);
    }

    [Fact]
    public async Task K15_FR_04_Rejected_the_EV_gets_the_local_schedule_and_its_choice_is_reported_with_NotifyEVChargingSchedule()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected, StatusInfo = new StatusInfoType { ReasonCode = "NoSchedule" } };
        var station = await h.StartStation("CS-K15-REJ");

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000, maxCurrentA: 16));
        await Drive.Do(station, "auth");

        var reported = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
        Assert.Equal(1, reported.EvseId);

        // No profile applies: the EVSE's maximum (22 kW) was offered, and the EV capped it at its own 16 A x 230 V x 3.
        var status = station.Iso15118.Status(1)!;
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Rejected, status.NeedsAnswer);
        var offered = Assert.Single(status.Offered!);
        Assert.Equal(ChargingRateUnitEnumType.W, offered.ChargingRateUnit);
        Assert.Equal(22000m, Assert.Single(offered.ChargingSchedulePeriod).Limit);
        Assert.Equal(Iso15118Charging.MaxScheduleSeconds, offered.Duration);
        var period = Assert.Single(reported.ChargingSchedule.ChargingSchedulePeriod);
        Assert.Equal(16m * 230m * 3, period.Limit);
        Assert.Equal(0, period.StartPeriod);
        Assert.Equal(status.TimeBase, reported.TimeBase);
        await TestCsms.Until(() => station.Iso15118.Status(1)?.ScheduleAnswer == GenericStatusEnumType.Accepted, "the CSMS's answer kept");
    }

    [Fact]
    public async Task K15_FR_05_Processing_the_station_does_not_wait_for_the_profile_and_offers_the_local_schedule_at_once()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Processing };
        var clock = FakeClock.Create();
        var options = h.Options("CS-K15-PROC");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-K15-PROC", options: options);

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000));
        await Drive.Do(station, "auth");

        // The fake clock stands still: the schedule is reported without any wait.
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Processing, station.Iso15118.Status(1)!.NeedsAnswer);
    }

    [Fact]
    public async Task K15_FR_03_Accepted_the_EV_waits_for_the_TxProfile_and_without_one_gets_the_local_schedule_after_60_s()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-K15-WAIT");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-K15-WAIT", options: options);

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000));
        await Drive.Do(station, "auth");
        await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>();
        await TestCsms.Until(() => station.Iso15118.Status(1)?.WaitingForProfile == true, "the EV waiting for the CSMS's schedule");
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Accepted, station.Iso15118.Status(1)!.NeedsAnswer);

        clock.Advance(Iso15118Charging.ProfileWait - TimeSpan.FromSeconds(1));
        Assert.Empty(h.Csms.Of<NotifyEVChargingScheduleRequest>());
        Assert.Null(station.Iso15118.Status(1)!.Offered);

        var waited = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => h.Csms.Of<NotifyEVChargingScheduleRequest>().Count > 0, TimeSpan.FromSeconds(30), "NotifyEVChargingSchedule");
        Assert.True(waited <= TimeSpan.FromSeconds(2), waited.ToString());
    }

    [Fact]
    public async Task K17_the_EV_asking_to_renegotiate_sends_its_new_needs_and_reports_its_new_choice()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var station = await h.StartStation("CS-K17");

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000, maxCurrentA: 32));
        await Drive.Do(station, "auth");
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();

        station.Iso15118.Renegotiate(1, SimulatedHardware.AcEv(8000, Departure, maxCurrentA: 10));

        var needs = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>(n => n.ChargingNeeds.AcChargingParameters!.EnergyAmount == 8000);
        Assert.Equal(10, needs.ChargingNeeds.AcChargingParameters!.EvMaxCurrent);
        Assert.Equal(Departure, needs.ChargingNeeds.DepartureTime);
        var schedule = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>(s => s.ChargingSchedule.ChargingSchedulePeriod[0].Limit == 10m * 230m * 3);
        Assert.Equal(1, schedule.EvseId);
        Assert.Equal(2, h.Csms.Of<NotifyEVChargingNeedsRequest>().Count);
        Assert.Equal(2, station.Iso15118.Status(1)!.Negotiations);
        Assert.Equal(station.Evses[1].Transaction!.Id, station.Iso15118.Status(1)!.TransactionId);
    }

    [Fact]
    public async Task K15_a_DC_EV_sends_its_DC_parameters_schema_valid()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var config = DeviceModelConfig.Builtin("dc-fast")
            .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
            .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "0");
        var station = await h.StartStation("CS-K15-DC", config);

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.DcEv(40000, Departure, maxPowerW: 50000, stateOfCharge: 35));
        await Drive.Do(station, "auth");

        var sent = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>();
        Assert.Equal(EnergyTransferModeEnumType.DC, sent.ChargingNeeds.RequestedEnergyTransfer);
        var dc = sent.ChargingNeeds.DcChargingParameters!;
        Assert.Equal((40000, 50000, 35), (dc.EnergyAmount, dc.EvMaxPower, dc.StateOfCharge));
        Assert.Null(sent.ChargingNeeds.AcChargingParameters);
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
    }

    [Fact]
    public async Task K15_a_basic_charging_EV_or_ISO15118Ctrlr_disabled_sends_no_needs()
    {
        await using var h = await StationHarness.StartAsync();
        var plain = await h.StartStation("CS-K15-PLAIN");
        await Drive.Do(plain, "plug");
        await Drive.Do(plain, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);

        var disabled = await h.StartStation("CS-K15-OFF", StationHarness.Config(c => c.With("ISO15118Ctrlr", "Enabled", "false")));
        await disabled.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000));
        await Drive.Do(disabled, "auth");
        await TestCsms.Until(() => h.Csms.Events("CS-K15-OFF").Any(e => e.EventType == TransactionEventEnumType.Started), "the transaction");
        await plain.Background.WhenIdleAsync();
        await disabled.Background.WhenIdleAsync();

        Assert.Empty(h.Csms.Of<NotifyEVChargingNeedsRequest>());
        Assert.Null(plain.Iso15118.Status(1));
        Assert.Null(disabled.Iso15118.Status(1));
    }

    [Fact]
    public async Task K15_unplugging_ends_the_ISO_15118_session_and_a_plain_EV_after_it_sends_no_needs()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var station = await h.StartStation("CS-K15-UNPLUG");
        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000));
        await Drive.Do(station, "auth");
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();

        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Null(station.Iso15118.Status(1));
        Assert.Null(station.Simulator!.ChargingNeeds(1));

        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => h.Csms.Of<TransactionEventRequest>().Count(e => e.EventType == TransactionEventEnumType.Started) == 2, "the second transaction");
        await station.Background.WhenIdleAsync();
        Assert.Single(h.Csms.Of<NotifyEVChargingNeedsRequest>());
    }

    [Fact]
    public async Task K15_Accepted_the_CSMS_TxProfile_is_offered_to_the_EV_its_capped_choice_reported_and_the_EV_draws_at_most_the_limit()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K15-FULL");

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(30000, Departure, maxCurrentA: 20));
        await Drive.Do(station, "auth");
        var needs = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>();
        await TestCsms.Until(() => station.Iso15118.Status(1)?.WaitingForProfile == true, "the EV waiting for the CSMS's schedule");
        Assert.Empty(h.Csms.Of<NotifyEVChargingScheduleRequest>());

        // K15.FR.03: the CSMS answers with a TxProfile for the transaction: 16 A, then 25 A after an hour.
        var tx = station.Evses[1].Transaction!.Id;
        var set = await h.Csms.Call("CS-K15-FULL", new SetChargingProfileRequest { EvseId = needs.EvseId, ChargingProfile = TxProfile(tx, 11, (0, 16m), (3600, 25m)) });
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, set.Status);

        var reported = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
        Assert.Equal(1, reported.EvseId);
        Assert.Equal(11, reported.ChargingSchedule.Id);
        Assert.Equal(ChargingRateUnitEnumType.A, reported.ChargingSchedule.ChargingRateUnit);
        var periods = reported.ChargingSchedule.ChargingSchedulePeriod;
        Assert.Equal(16m, periods[0].Limit);
        Assert.Equal(20m, periods[^1].Limit); // 25 A offered, the EV takes at most its 20 A
        Assert.All(periods, p => Assert.True(p.Limit <= 20m));
        var offered = Assert.Single(station.Iso15118.Status(1)!.Offered!);
        Assert.True(Iso15118Charging.Within(reported.ChargingSchedule, offered));

        // The TxProfile took effect: 16 A on three phases.
        await TestCsms.Until(() => station.Hardware.RateControl.Limit(1) is { } w && w <= 16m * 230m * 3 + 1, "the limit applied");
        Assert.Single(h.Csms.Of<NotifyEVChargingNeedsRequest>());
    }

    [Fact]
    public async Task K16_a_new_TxProfile_from_the_CSMS_renegotiates_with_the_EV_and_reports_its_new_schedule_without_new_needs()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K16");
        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(30000, maxCurrentA: 32));
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Iso15118.Status(1)?.WaitingForProfile == true, "the wait");
        var tx = station.Evses[1].Transaction!.Id;
        await h.Csms.Call("CS-K16", new SetChargingProfileRequest { EvseId = 1, ChargingProfile = TxProfile(tx, 1, (0, 20m)) });
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>(r => r.ChargingSchedule.ChargingSchedulePeriod[0].Limit == 20m);

        // K16: the CSMS lowers the limit with a new TxProfile in place of the first (same id, K01.FR.05); the station renegotiates with the EV on its own.
        var set = await h.Csms.Call("CS-K16", new SetChargingProfileRequest { EvseId = 1, ChargingProfile = TxProfile(tx, 501, 2, (0, 10m)) });
        Assert.Equal(ChargingProfileStatusEnumType.Accepted, set.Status);
        var renegotiated = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>(r => r.ChargingSchedule.ChargingSchedulePeriod[0].Limit == 10m);
        Assert.Equal(2, renegotiated.ChargingSchedule.Id);
        Assert.Single(h.Csms.Of<NotifyEVChargingNeedsRequest>());
        Assert.Equal(2, station.Iso15118.Status(1)!.Negotiations);
    }

    [Fact]
    public async Task K15_FR_05_K16_Processing_then_the_CSMS_TxProfile_comes_later_and_is_renegotiated()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Processing };
        var station = await h.StartStation("CS-K15-LATER");
        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(30000, maxCurrentA: 32));
        await Drive.Do(station, "auth");
        var local = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
        Assert.Equal(ChargingRateUnitEnumType.W, local.ChargingSchedule.ChargingRateUnit);

        var tx = station.Evses[1].Transaction!.Id;
        await h.Csms.Call("CS-K15-LATER", new SetChargingProfileRequest { EvseId = 1, ChargingProfile = TxProfile(tx, 5, (0, 12m)) });
        var later = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>(r => r.ChargingSchedule.Id == 5);
        Assert.Equal(12m, later.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
        Assert.Single(h.Csms.Of<NotifyEVChargingNeedsRequest>());
    }

    [Fact]
    public async Task K15_offline_the_needs_are_not_sent_and_with_QueueAllMessages_the_EVs_schedule_is_delivered_after_reconnect()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-K15-OFFLINE", StationHarness.Config(c => c.With("OCPPCommCtrlr", "QueueAllMessages", "true")));
        await station.Authorization.AuthorizeAsync(new IdTokenType { IdToken = Drive.Token, Type = IdTokenEnumType.ISO14443 }); // cached for offline
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");

        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000, maxCurrentA: 16));
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Iso15118.Status(1)?.Selected is not null, "the EV's choice of the local schedule");
        Assert.Null(station.Iso15118.Status(1)!.NeedsAnswer);

        await station.SetOfflineAsync(false);
        var reported = await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>();
        Assert.Equal(16m * 230m * 3, reported.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
        Assert.Empty(h.Csms.Of<NotifyEVChargingNeedsRequest>());
    }

    [Fact]
    public async Task K15_a_Rejected_NotifyEVChargingSchedule_is_kept_and_the_EV_charges_on_within_the_limits()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        h.Csms.NotifyEVChargingSchedule = _ => new NotifyEVChargingScheduleResponse { Status = GenericStatusEnumType.Rejected };
        var station = await h.StartStation("CS-K15-SREJ");
        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000));
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Iso15118.Status(1)?.ScheduleAnswer == GenericStatusEnumType.Rejected, "the CSMS's Rejected kept");
        Assert.NotNull(station.Evses[1].Transaction);
    }

    private static ChargingProfileType TxProfile(string transactionId, int id, params (int Start, decimal Limit)[] periods) => TxProfile(transactionId, 500 + id, id, periods);

    private static ChargingProfileType TxProfile(string transactionId, int profileId, int id, params (int Start, decimal Limit)[] periods) => new()
    {
        Id = profileId,
        StackLevel = 0,
        ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxProfile,
        ChargingProfileKind = ChargingProfileKindEnumType.Relative,
        TransactionId = transactionId,
        ChargingSchedule =
        [
            new ChargingScheduleType
            {
                Id = id,
                ChargingRateUnit = ChargingRateUnitEnumType.A,
                ChargingSchedulePeriod = [.. periods.Select(p => new ChargingSchedulePeriodType { StartPeriod = p.Start, Limit = p.Limit })],
            },
        ],
    };

    [Fact]
    public void K15_the_simulator_refuses_needs_that_make_no_sense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedHardware.AcEv(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedHardware.AcEv(1000, maxCurrentA: 6, minCurrentA: 10));
        Assert.Throws<ArgumentException>(() => SimulatedHardware.AcEv(1000, mode: EnergyTransferModeEnumType.DC));
    }
}
