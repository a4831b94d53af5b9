using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Monitoring;

/// <summary>Block N on a whole Ohm.Station over loopback, its clock a <see cref="FakeClock"/>: the simulated temperatures move with the station's clock.</summary>
public sealed class MonitoringStationTests
{
    private static readonly ComponentKey Converter1 = new("AcDcConverter", EvseId: 1);

    private static SetVariableMonitoringRequest UpperThreshold(decimal value, int severity, int evse = 1) => new()
    {
        SetMonitoringData =
        [
            new SetMonitoringDataType
            {
                Component = new ComponentType { Name = "AcDcConverter", Evse = new EVSEType { Id = evse } },
                Variable = new VariableType { Name = "Temperature" },
                Type = MonitorEnumType.UpperThreshold,
                Value = value,
                Severity = severity,
            },
        ],
    };

    private static IEnumerable<EventDataType> Events(TestCsms csms, string station, int monitorId) =>
        csms.Of<NotifyEventRequest>(station).SelectMany(n => n.EventData).Where(e => e.VariableMonitoringId == monitorId);

    [Fact]
    public async Task N07_White_paper_example_the_EVSE_1_AcDcConverter_Temperature_crosses_an_UpperThreshold_and_the_alert_clears_when_it_cools()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-N-WP");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-N-WP", options: options);

        var set = await h.Csms.Call("CS-N-WP", UpperThreshold(60, severity: 3));
        var result = Assert.Single(set.SetMonitoringResult);
        Assert.Equal(SetMonitoringStatusEnumType.Accepted, result.Status);
        var id = result.Id!.Value;

        // N02: the CSMS reads the monitor back.
        var report = await h.Csms.Call("CS-N-WP", new GetMonitoringReportRequest
        {
            RequestId = 5,
            MonitoringCriteria = [MonitoringCriterionEnumType.ThresholdMonitoring],
            ComponentVariable = [new ComponentVariableType { Component = new ComponentType { Name = "AcDcConverter", Evse = new EVSEType { Id = 1 } }, Variable = new VariableType { Name = "Temperature" } }],
        });
        Assert.Equal(GenericDeviceModelStatusEnumType.Accepted, report.Status);
        var parts = await h.Csms.WaitFor<NotifyMonitoringReportRequest>(r => r.RequestId == 5);
        Assert.Contains(parts.Monitor!.Single().VariableMonitoring, m => m.Id == id && m.Value == 60m && m.Severity == 3);

        // The converter overheats (the console's `set EVSE 1 AcDcConverter Temperature 85`).
        Assert.True(station.Simulator!.SetSensor(Converter1, "Temperature", 85));
        await clock.AdvanceUntil(TimeSpan.FromMilliseconds(250), () => Events(h.Csms, "CS-N-WP", id).Any(), TimeSpan.FromSeconds(30), "the alert");
        var alert = Events(h.Csms, "CS-N-WP", id).Single();
        Assert.Equal((EventTriggerEnumType.Alerting, (bool?)null, EventNotificationEnumType.CustomMonitor), (alert.Trigger, alert.Cleared, alert.EventNotificationType));
        Assert.True(decimal.Parse(alert.ActualValue, System.Globalization.CultureInfo.InvariantCulture) > 60m);
        Assert.Equal(("AcDcConverter", 1, "Temperature"), (alert.Component.Name, alert.Component.Evse!.Id, alert.Variable.Name));
        Assert.True(station.Monitoring.IsAlerting(id));

        // Idle, it cools: the same monitor reports the alert cleared.
        await clock.AdvanceUntil(TimeSpan.FromSeconds(15), () => Events(h.Csms, "CS-N-WP", id).Any(e => e.Cleared == true), TimeSpan.FromMinutes(30), "the cleared alert");
        var cleared = Events(h.Csms, "CS-N-WP", id).Last();
        Assert.True(decimal.Parse(cleared.ActualValue, System.Globalization.CultureInfo.InvariantCulture) <= 60m);
        Assert.True(cleared.EventId > alert.EventId);
        Assert.False(station.Monitoring.IsAlerting(id));
    }

    [Fact]
    public async Task N07_charging_heats_the_converter_until_a_threshold_event_names_the_transaction()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-N-HEAT");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-N-HEAT", options: options);
        var id = (await h.Csms.Call("CS-N-HEAT", UpperThreshold(40, severity: 5))).SetMonitoringResult[0].Id!.Value;

        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);

        // 11 kW: the converter heads for about 44 degrees.
        var took = await clock.AdvanceUntil(TimeSpan.FromSeconds(30), () => Events(h.Csms, "CS-N-HEAT", id).Any(), TimeSpan.FromHours(1), "the converter over 40 degrees");
        Assert.InRange(took, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(25));
        var e = Events(h.Csms, "CS-N-HEAT", id).Single();
        Assert.Equal((EventTriggerEnumType.Alerting, started.TransactionInfo.TransactionId), (e.Trigger, e.TransactionId));
    }

    [Fact]
    public async Task N04_monitors_set_by_the_CSMS_survive_a_restart_and_N06_clears_them()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N-RESTART");
        var id = (await h.Csms.Call("CS-N-RESTART", UpperThreshold(70, severity: 2, evse: 2))).SetMonitoringResult[0].Id!.Value;
        Assert.Equal(GenericStatusEnumType.Accepted, (await h.Csms.Call("CS-N-RESTART", new SetMonitoringLevelRequest { Severity = 6 })).Status);
        await station.StopAsync();

        var again = await h.StartStation("CS-N-RESTART");
        Assert.Contains(again.Monitoring.Monitors(), m => m.Id == id && m.Value == 70m && m.Component.EvseId == 2);
        Assert.Equal(6, again.Monitoring.Level);

        var clear = await h.Csms.Call("CS-N-RESTART", new ClearVariableMonitoringRequest { Id = [id, 3] });
        Assert.Equal([ClearMonitoringStatusEnumType.Accepted, ClearMonitoringStatusEnumType.Rejected], clear.ClearMonitoringResult.Select(r => r.Status));
        Assert.DoesNotContain(again.Monitoring.Monitors(), m => m.Id == id);
    }
}
