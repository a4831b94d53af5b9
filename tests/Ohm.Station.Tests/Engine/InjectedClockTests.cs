using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Engine;

/// <summary>Intervals and timeouts follow the injected TimeProvider: the tests move a fake clock and never sleep for them.</summary>
public sealed class InjectedClockTests
{
    [Fact]
    public async Task G02_Heartbeat_goes_out_after_HeartbeatInterval_of_station_time()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-CLK-HB");
        options.TimeProvider = clock;
        await h.StartStation("CS-CLK-HB", options: options);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-CLK-HB").Count == 2, "statuses at boot");

        // The CSMS answers the boot with interval 300.
        var elapsed = await clock.AdvanceUntil(TimeSpan.FromSeconds(5), () => h.Csms.Of<HeartbeatRequest>("CS-CLK-HB").Count > 0, TimeSpan.FromSeconds(600), "Heartbeat");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(600));
    }

    [Fact]
    public async Task E03_EVConnectionTimeOut_ends_the_authorization_after_that_much_station_time()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-CLK-E03", StationHarness.Config(c => c
            .With("TxCtrlr", "TxStartPoint", "Authorized")
            .With("TxCtrlr", "EVConnectionTimeOut", "60")));
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-CLK-E03", options: options);
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var elapsed = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => h.Csms.Events("CS-CLK-E03").Any(e => e.EventType == TransactionEventEnumType.Ended), TimeSpan.FromSeconds(120), "Ended event");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120));
        var ended = h.Csms.Events("CS-CLK-E03").Single(e => e.EventType == TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.EVConnectTimeout, ended.TriggerReason);
    }

    [Fact]
    public async Task J01_Clock_aligned_values_are_sent_at_the_AlignedDataCtrlr_Interval_boundary()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create(new DateTimeOffset(2025, 1, 1, 10, 14, 0, TimeSpan.Zero));
        var options = h.Options("CS-CLK-J01", StationHarness.Config(c => c.With("AlignedDataCtrlr", "Interval", "900")));
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-CLK-J01", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        bool Clocked() => h.Csms.Events("CS-CLK-J01").Any(e => e.TriggerReason == TriggerReasonEnumType.MeterValueClock);
        var elapsed = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), Clocked, TimeSpan.FromSeconds(120), "clock-aligned value");
        Assert.InRange(elapsed, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120));
        var aligned = h.Csms.Events("CS-CLK-J01").Single(e => e.TriggerReason == TriggerReasonEnumType.MeterValueClock);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 15, 0, TimeSpan.Zero), aligned.MeterValue![0].Timestamp);
        Assert.Equal(ReadingContextEnumType.SampleClock, aligned.MeterValue[0].SampledValue[0].Context);
    }

    [Fact]
    public async Task E06_TimeSpentCharging_counts_only_the_time_energy_flowed()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-CLK-TSC");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-CLK-TSC", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        clock.Advance(TimeSpan.FromSeconds(100));
        await Drive.Do(station, "power0");
        clock.Advance(TimeSpan.FromSeconds(50));
        await station.Transactions.SetEvPowerAsync(1, 11000);
        clock.Advance(TimeSpan.FromSeconds(20));
        await Drive.Do(station, "unplug");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(120, ended.TransactionInfo.TimeSpentCharging);
        var register = ended.MeterValue![^1].SampledValue[0];
        Assert.Equal(MeasurandEnumType.EnergyActiveImportRegister, register.Measurand);
        Assert.Equal(Math.Round(11000m * 120 / 3600, 3), register.Value);
    }
}
