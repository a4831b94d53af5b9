using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Cli;

/// <summary>Block N in the console: <c>set EVSE 1 AcDcConverter Temperature 85</c>, <c>monitors</c>, and the scenario's <c>sensor</c> step.</summary>
public sealed class MonitoringCommandTests
{
    [Fact]
    public async Task N07_set_puts_a_simulated_temperature_and_monitors_lists_the_open_alert()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N-CLI");

        using var output = new StringWriter();
        StationCommand.Set(station, ["set", "EVSE", "1", "AcDcConverter", "Temperature", "85"], output);
        Assert.Contains("EVSE 1 AcDcConverter.Temperature: sensor reads 85", output.ToString(), StringComparison.Ordinal);
        var alert = await h.Csms.WaitFor<NotifyEventRequest>(n => n.EventData.Any(e => e.VariableMonitoringId == 2));
        Assert.Equal(EventNotificationEnumType.PreconfiguredMonitor, alert.EventData.Single(e => e.VariableMonitoringId == 2).EventNotificationType);

        using var listing = new StringWriter();
        StationCommand.PrintMonitors(station, listing);
        Assert.Contains("CS-N-CLI: 5 monitor(s), level 9, base All", listing.ToString(), StringComparison.Ordinal);
        var line = listing.ToString().Split('\n').Single(l => l.StartsWith("  2: ", StringComparison.Ordinal)).TrimEnd();
        Assert.Matches(@"^  2: EVSE 1 AcDcConverter\.Temperature UpperThreshold 80 severity 4, PreconfiguredMonitor; now 8\d\.\d, ALERT$", line);

        // Not a sensor: set as SetVariables would.
        using var other = new StringWriter();
        StationCommand.Set(station, ["set", "MonitoringCtrlr", "OfflineQueuingSeverity", "2"], other);
        StationCommand.Set(station, ["set", "EVSE", "x", "AcDcConverter", "Temperature", "85"], other);
        StationCommand.Set(station, ["set", "Temperature"], other);
        Assert.Contains("MonitoringCtrlr.OfflineQueuingSeverity = 2: Accepted", other.ToString(), StringComparison.Ordinal);
        Assert.Contains("set: 'x' is not an EVSE id", other.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: set [EVSE n] COMPONENT VARIABLE VALUE", other.ToString(), StringComparison.Ordinal);
        Assert.Equal("2", station.Model.Value("MonitoringCtrlr", "OfflineQueuingSeverity"));
    }

    [Fact]
    public async Task N07_a_scenario_sensor_step_overheats_the_converter()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N-SC");
        var log = new List<string>();
        var scenario = Scenario.Parse("""
            steps:
              - sensor: { evse: 2, component: AcDcConverter, variable: Temperature, value: 97 }
            """);
        Assert.Empty(await scenario.RunAsync(station, log.Add, CancellationToken.None));
        Assert.Contains(log, l => l.Contains("sensor EVSE 2 AcDcConverter.Temperature = 97", StringComparison.Ordinal));

        // Monitors 4 (preconfigured, 80) and 5 (hard-wired, 95) on EVSE 2's converter.
        await TestCsms.Until(() => h.Csms.Of<NotifyEventRequest>().SelectMany(n => n.EventData).Select(e => e.VariableMonitoringId).Distinct().Count() >= 2, "both alerts");
        var events = h.Csms.Of<NotifyEventRequest>().SelectMany(n => n.EventData).ToList();
        Assert.Equal([4, 5], events.Select(e => e.VariableMonitoringId!.Value).Order());
        Assert.Contains(events, e => e.VariableMonitoringId == 5 && e.EventNotificationType == EventNotificationEnumType.HardWiredMonitor);
        Assert.All(events, e => Assert.Equal(new ComponentKey("AcDcConverter", EvseId: 2), ComponentKey.From(e.Component)));
    }
}
