using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;
using MonitoringBlock = Ohm.Station.Blocks.Monitoring;

namespace Ohm.Station.Tests.Monitoring;

/// <summary>
/// Block N on a <see cref="FakeStationContext"/> with the simulator's sensors and meter behind the device model: the
/// configuration's monitors are TemperatureSensor.Temperature &gt; 55 (id 1, preconfigured, not a factory default),
/// per EVSE AcDcConverter.Temperature &gt; 80 (ids 2 and 4, preconfigured) and &gt; 95 (ids 3 and 5, hard-wired).
/// </summary>
public sealed class MonitoringBlockTests : IDisposable
{
    private static readonly ComponentKey Converter1 = new("AcDcConverter", EvseId: 1);
    private readonly FakeStationContext _context;
    private readonly MonitoringBlock _monitoring;

    public MonitoringBlockTests()
        : this(null)
    {
    }

    private MonitoringBlockTests(DeviceModelConfig? config)
    {
        _context = new FakeStationContext(config) { IsOnline = true };
        _monitoring = new MonitoringBlock(_context);
        _context.Model.LiveValue = _monitoring.LiveValue;
        _monitoring.Load();
    }

    public void Dispose() => _context.Dispose();

    private static SetMonitoringDataType Data(string component, string variable, MonitorEnumType type, decimal value, int severity = 5, int? evse = null, int? id = null, bool? transaction = null) => new()
    {
        Id = id,
        Component = new ComponentType { Name = component, Evse = evse is { } e ? new EVSEType { Id = e, ConnectorId = component == "Connector" ? 1 : null } : null },
        Variable = new VariableType { Name = variable },
        Type = type,
        Value = value,
        Severity = severity,
        Transaction = transaction,
    };

    private async Task<List<SetMonitoringResultType>> Set(params SetMonitoringDataType[] data) =>
        (await _monitoring.SetVariableMonitoring(new SetVariableMonitoringRequest { SetMonitoringData = [.. data] }, null!, CancellationToken.None)).SetMonitoringResult;

    private List<EventDataType> Events() => _context.Queued.OfType<NotifyEventRequest>().SelectMany(n => n.EventData).ToList();

    [Fact]
    public async Task N04_validation_answers_UnknownComponent_UnknownVariable_UnsupportedMonitorType_Rejected_and_Duplicate()
    {
        var results = await Set(
            Data("NoSuchCtrlr", "Temperature", MonitorEnumType.UpperThreshold, 1),
            Data("AcDcConverter", "Humidity", MonitorEnumType.UpperThreshold, 1, evse: 1),
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 1, evse: 9),           // no EVSE 9: unknown component
            Data("AcDcConverter", "Enabled", MonitorEnumType.UpperThreshold, 1, evse: 1),               // a threshold on a boolean
            Data("AcDcConverter", "DCInputPhaseControl", MonitorEnumType.Delta, 0, evse: 1),            // supportsMonitoring false
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 70, severity: 10, evse: 1),
            Data("AcDcConverter", "Temperature", MonitorEnumType.Delta, -1, evse: 1),
            Data("AcDcConverter", "Temperature", MonitorEnumType.Periodic, 0, evse: 1),
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 70, evse: 1, id: 999),  // no monitor 999
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 90, evse: 1, id: 3),    // hard-wired
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 90, evse: 2, id: 2),    // monitor 2 is on EVSE 1
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 70, severity: 4, evse: 1)); // as monitor 2: Duplicate

        Assert.Equal(
            [
                SetMonitoringStatusEnumType.UnknownComponent, SetMonitoringStatusEnumType.UnknownVariable, SetMonitoringStatusEnumType.UnknownComponent,
                SetMonitoringStatusEnumType.UnsupportedMonitorType, SetMonitoringStatusEnumType.UnsupportedMonitorType,
                SetMonitoringStatusEnumType.Rejected, SetMonitoringStatusEnumType.Rejected, SetMonitoringStatusEnumType.Rejected,
                SetMonitoringStatusEnumType.Rejected, SetMonitoringStatusEnumType.Rejected, SetMonitoringStatusEnumType.Rejected,
                SetMonitoringStatusEnumType.Duplicate,
            ],
            results.Select(r => r.Status));
        Assert.All(results, r => Assert.Null(r.Id));
        Assert.Equal([1, 2, 3, 4, 5], _monitoring.Monitors().Select(m => m.Id));
    }

    [Fact]
    public async Task N04_the_station_gives_new_ids_and_an_id_replaces_its_monitor()
    {
        var results = await Set(
            Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 70, evse: 1),
            Data("EVSE", "Power", MonitorEnumType.Delta, 1000, evse: 2),
            Data("EVSE", "Power", MonitorEnumType.Delta, 1000, evse: 2)); // the same again in one request: Duplicate
        Assert.Equal([SetMonitoringStatusEnumType.Accepted, SetMonitoringStatusEnumType.Accepted, SetMonitoringStatusEnumType.Duplicate], results.Select(r => r.Status));
        Assert.Equal([6, 7], results.Take(2).Select(r => r.Id!.Value));

        var replaced = await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 75, severity: 3, evse: 1, id: 6));
        Assert.Equal((SetMonitoringStatusEnumType.Accepted, 6), (replaced[0].Status, replaced[0].Id!.Value));
        var monitor = _monitoring.Monitors().Single(m => m.Id == 6);
        Assert.Equal((75m, 3, EventNotificationEnumType.CustomMonitor), (monitor.Value, monitor.Severity, monitor.Kind));

        // A preconfigured monitor may be changed; it stays preconfigured.
        var preconfigured = await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 85, severity: 4, evse: 1, id: 2));
        Assert.Equal(SetMonitoringStatusEnumType.Accepted, preconfigured[0].Status);
        Assert.Equal((85m, EventNotificationEnumType.PreconfiguredMonitor), _monitoring.Monitors().Where(m => m.Id == 2).Select(m => (m.Value, m.Kind)).Single());

        // Cleared ids are not given again.
        await _monitoring.ClearVariableMonitoring(new ClearVariableMonitoringRequest { Id = [7] }, null!, CancellationToken.None);
        Assert.Equal(8, (await Set(Data("Connector", "Current", MonitorEnumType.Delta, 1, evse: 1)))[0].Id);
    }

    [Fact]
    public async Task N04_FR_09_more_monitors_than_ItemsPerMessageSetVariableMonitoring_is_a_CALLERROR()
    {
        var many = Enumerable.Range(0, 21).Select(i => Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 30 + i, severity: 9, evse: 1)).ToArray();
        var error = await Assert.ThrowsAsync<OcppCallErrorException>(() => Set(many));
        Assert.Equal(OcppErrorCode.OccurrenceConstraintViolation, error.Code);
    }

    [Fact]
    public async Task N06_ClearVariableMonitoring_answers_Accepted_NotFound_and_Rejected_for_a_hard_wired_monitor()
    {
        var response = await _monitoring.ClearVariableMonitoring(new ClearVariableMonitoringRequest { Id = [2, 42, 3] }, null!, CancellationToken.None);

        Assert.Equal(
            [(2, ClearMonitoringStatusEnumType.Accepted), (42, ClearMonitoringStatusEnumType.NotFound), (3, ClearMonitoringStatusEnumType.Rejected)],
            response.ClearMonitoringResult.Select(r => (r.Id, r.Status)));
        Assert.Equal([1, 3, 4, 5], _monitoring.Monitors().Select(m => m.Id));
    }

    [Fact]
    public async Task N03_HardWiredOnly_keeps_the_hard_wired_monitors_FactoryDefault_and_All_restore_the_preconfigured_ones_from_the_configuration()
    {
        await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 85, severity: 4, evse: 1, id: 2)); // changed
        var custom = (await Set(Data("EVSE", "Power", MonitorEnumType.Delta, 1000, evse: 1)))[0].Id!.Value;

        await _monitoring.SetMonitoringBase(new SetMonitoringBaseRequest { MonitoringBase = MonitoringBaseEnumType.HardWiredOnly }, null!, CancellationToken.None);
        Assert.Equal([3, 5], _monitoring.Monitors().Select(m => m.Id));
        Assert.Equal("HardWiredOnly", _context.Model.Value("MonitoringCtrlr", "ActiveMonitoringBase"));

        await _monitoring.SetMonitoringBase(new SetMonitoringBaseRequest { MonitoringBase = MonitoringBaseEnumType.FactoryDefault }, null!, CancellationToken.None);
        Assert.Equal([2, 3, 4, 5], _monitoring.Monitors().Select(m => m.Id)); // TemperatureSensor's monitor 1 is no factory default
        Assert.Equal(80m, _monitoring.Monitors().Single(m => m.Id == 2).Value); // as configured, not the 85 it was changed to

        var again = (await Set(Data("EVSE", "Power", MonitorEnumType.Delta, 1000, evse: 1)))[0].Id!.Value;
        await _monitoring.SetMonitoringBase(new SetMonitoringBaseRequest { MonitoringBase = MonitoringBaseEnumType.All }, null!, CancellationToken.None);
        Assert.Equal([1, 2, 3, 4, 5, again], _monitoring.Monitors().Select(m => m.Id)); // custom monitors stay with All
        Assert.NotEqual(custom, again);
    }

    [Fact]
    public async Task N04_monitors_survive_a_restart_from_the_store()
    {
        var id = (await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 70, severity: 2, evse: 2, transaction: true)))[0].Id!.Value;
        await _monitoring.ClearVariableMonitoring(new ClearVariableMonitoringRequest { Id = [1] }, null!, CancellationToken.None);

        var restarted = new MonitoringBlock(_context);
        restarted.Load();

        Assert.Equal([2, 3, 4, 5, id], restarted.Monitors().Select(m => m.Id));
        var monitor = restarted.Monitors().Single(m => m.Id == id);
        Assert.Equal((new ComponentKey("AcDcConverter", EvseId: 2), 70m, 2, true), (monitor.Component, monitor.Value, monitor.Severity, monitor.Transaction));
    }

    [Fact]
    public async Task N07_a_converter_too_hot_is_reported_with_the_monitor_its_severity_and_kind_and_cleared_when_it_cools()
    {
        var id = (await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 60, severity: 2, evse: 1)))[0].Id!.Value;
        _monitoring.Tick(_context.Clock.GetUtcNow());
        Assert.Empty(Events());

        _context.Simulator!.SetSensor(Converter1, "Temperature", 85);
        _monitoring.Tick(_context.Clock.GetUtcNow());

        // Both the custom monitor (60) and the preconfigured one (80) are crossed; the hard-wired 95 is not.
        var hot = Events();
        Assert.Equal([(2, EventNotificationEnumType.PreconfiguredMonitor), (id, EventNotificationEnumType.CustomMonitor)], hot.Select(e => (e.VariableMonitoringId!.Value, e.EventNotificationType)));
        Assert.All(hot, e => Assert.Equal((EventTriggerEnumType.Alerting, "85.0", (bool?)null, "AcDcConverter", 1), (e.Trigger, e.ActualValue, e.Cleared, e.Component.Name, e.Component.Evse!.Id)));
        Assert.Equal(2, hot.Select(e => e.EventId).Distinct().Count());

        // Idle, it cools towards 25 degrees: below 80 first, then below 60.
        _context.Queued.Clear();
        for (var i = 0; i < 60 && Events().Count < 2; i++)
        {
            _context.Clock.Advance(TimeSpan.FromSeconds(30));
            _monitoring.Tick(_context.Clock.GetUtcNow());
        }

        var cooled = Events();
        Assert.Equal([2, id], cooled.Select(e => e.VariableMonitoringId!.Value));
        Assert.All(cooled, e => Assert.True(e.Cleared));
        Assert.True(decimal.Parse(cooled[1].ActualValue, System.Globalization.CultureInfo.InvariantCulture) <= 60m);
    }

    [Fact]
    public async Task N05_events_of_monitors_above_the_monitoring_level_are_not_reported_and_a_level_outside_0_to_9_is_Rejected()
    {
        await Set(Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 7, evse: 1), Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 3, evse: 2));
        var rejected = await _monitoring.SetMonitoringLevel(new SetMonitoringLevelRequest { Severity = 10 }, null!, CancellationToken.None);
        Assert.Equal(GenericStatusEnumType.Rejected, rejected.Status);
        var accepted = await _monitoring.SetMonitoringLevel(new SetMonitoringLevelRequest { Severity = 5 }, null!, CancellationToken.None);
        Assert.Equal(GenericStatusEnumType.Accepted, accepted.Status);
        Assert.Equal("5", _context.Model.Value("MonitoringCtrlr", "ActiveMonitoringLevel"));

        _monitoring.Tick(_context.Clock.GetUtcNow());
        _context.Clock.Advance(TimeSpan.FromSeconds(60));
        _monitoring.Tick(_context.Clock.GetUtcNow());

        Assert.Equal([2], Events().Select(e => e.Component.Evse!.Id));
        Assert.Equal(EventTriggerEnumType.Periodic, Events()[0].Trigger);
    }

    [Fact]
    public async Task N07_offline_only_events_at_most_OfflineQueuingSeverity_are_queued()
    {
        await Set(Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 7, evse: 1), Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 4, evse: 2));
        _context.IsOnline = false;

        _monitoring.Tick(_context.Clock.GetUtcNow());
        _context.Clock.Advance(TimeSpan.FromSeconds(60));
        _monitoring.Tick(_context.Clock.GetUtcNow());

        Assert.Equal([2], Events().Select(e => e.Component.Evse!.Id)); // OfflineQueuingSeverity is 4
        Assert.Contains(_context.Reports, r => r.StartsWith("event dropped (offline", StringComparison.Ordinal));
    }

    [Fact]
    public async Task N07_a_transaction_monitor_is_evaluated_only_during_a_transaction_on_its_EVSE_and_names_it()
    {
        await Set(Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 2, evse: 1, transaction: true));
        _monitoring.Tick(_context.Clock.GetUtcNow());
        _context.Clock.Advance(TimeSpan.FromSeconds(120));
        _monitoring.Tick(_context.Clock.GetUtcNow());
        Assert.Empty(Events());

        _context.Evses[1].Transaction = new TransactionState { Id = "TX-MON-1" };
        _monitoring.Tick(_context.Clock.GetUtcNow());
        _context.Clock.Advance(TimeSpan.FromSeconds(60));
        _monitoring.Tick(_context.Clock.GetUtcNow());

        var e = Assert.Single(Events());
        Assert.Equal(("TX-MON-1", EventTriggerEnumType.Periodic), (e.TransactionId, e.Trigger));
    }

    [Fact]
    public async Task N07_Delta_on_a_connector_current_follows_the_meter()
    {
        await Set(Data("Connector", "Current", MonitorEnumType.Delta, 5, severity: 2, evse: 1));
        _monitoring.Tick(_context.Clock.GetUtcNow());
        _context.Simulator!.SetPlugged(1, true);
        _context.Simulator.Close(1);
        _context.Simulator.SetEvPower(1, 11040); // 16 A on three phases at 230 V
        _monitoring.Tick(_context.Clock.GetUtcNow());

        var e = Assert.Single(Events());
        Assert.Equal((EventTriggerEnumType.Delta, "16", "Connector", 1), (e.Trigger, e.ActualValue, e.Component.Name, e.Component.Evse!.ConnectorId));
    }

    [Fact]
    public async Task N07_FR_19_a_Delta_on_a_value_the_station_sets_reports_the_change_at_once_without_waiting_for_a_tick()
    {
        await Set(Data("EVSE", "AvailabilityState", MonitorEnumType.Delta, 0, severity: 2, evse: 1));
        _context.Model.Changed += _monitoring.OnVariableChanged;
        _monitoring.Tick(_context.Clock.GetUtcNow());

        _context.Model.SetInternal(new ComponentKey("EVSE", EvseId: 1), "AvailabilityState", "Occupied");
        _context.Model.SetInternal(new ComponentKey("EVSE", EvseId: 1), "AvailabilityState", "Available");

        Assert.Equal(["Occupied", "Available"], Events().Select(e => e.ActualValue));
        Assert.All(Events(), e => Assert.Equal(EventTriggerEnumType.Delta, e.Trigger));
    }

    [Fact]
    public async Task N_with_MonitoringCtrlr_Enabled_false_no_monitor_reports_and_enabling_starts_afresh()
    {
        await Set(Data("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 60, severity: 2, evse: 1));
        Assert.Equal(SetVariableStatusEnumType.Accepted, _context.Model.Set("MonitoringCtrlr", "Enabled", "false"));
        _context.Simulator!.SetSensor(Converter1, "Temperature", 85);
        _monitoring.Tick(_context.Clock.GetUtcNow());
        Assert.Empty(Events());

        _context.Model.Set("MonitoringCtrlr", "Enabled", "true");
        _monitoring.Tick(_context.Clock.GetUtcNow());
        Assert.Equal(2, Events().Count); // the custom 60 and the preconfigured 80
    }

    [Fact]
    public async Task N07_many_events_at_once_are_split_by_ItemsPerMessage()
    {
        using var test = new MonitoringBlockTests(DeviceModelConfig.Builtin().With("DeviceDataCtrlr", "ItemsPerMessage", "2", instance: "GetReport"));
        await test.Set(
            Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 2, evse: 1),
            Data("EVSE", "Power", MonitorEnumType.Periodic, 60, severity: 2, evse: 2),
            Data("Connector", "Power", MonitorEnumType.Periodic, 60, severity: 2, evse: 1),
            Data("Connector", "Power", MonitorEnumType.Periodic, 60, severity: 2, evse: 2),
            Data("ChargingStation", "Power", MonitorEnumType.Periodic, 60, severity: 2));
        test._monitoring.Tick(test._context.Clock.GetUtcNow());
        test._context.Clock.Advance(TimeSpan.FromSeconds(60));
        test._monitoring.Tick(test._context.Clock.GetUtcNow());

        var parts = test._context.Queued.OfType<NotifyEventRequest>().ToList();
        Assert.Equal([2, 2, 1], parts.Select(p => p.EventData.Count));
        Assert.Equal([0, 1, 2], parts.Select(p => p.SeqNo));
        Assert.Equal([true, true, (bool?)null], parts.Select(p => p.Tbc));
    }

    [Fact]
    public async Task N02_GetMonitoringReport_filters_by_criteria_and_component_variable_and_splits_its_parts()
    {
        await Set(Data("EVSE", "Power", MonitorEnumType.Delta, 500, evse: 1), Data("EVSE", "Power", MonitorEnumType.Periodic, 60, evse: 1));

        Assert.Equal(7, _monitoring.Report([], []).Sum(d => d.VariableMonitoring.Count)); // 5 configured and 2 custom
        Assert.Equal(["AcDcConverter", "AcDcConverter", "TemperatureSensor"], _monitoring.Report([MonitoringCriterionEnumType.ThresholdMonitoring], []).Select(d => d.Component.Name).Order());
        var delta = Assert.Single(_monitoring.Report([MonitoringCriterionEnumType.DeltaMonitoring], []));
        Assert.Equal((MonitorEnumType.Delta, 500m), (delta.VariableMonitoring[0].Type, delta.VariableMonitoring[0].Value));
        var evse1 = _monitoring.Report([], [new ComponentVariableType { Component = new ComponentType { Name = "AcDcConverter", Evse = new EVSEType { Id = 1 } } }]);
        Assert.Equal([2, 3], Assert.Single(evse1).VariableMonitoring.Select(m => m.Id));
        var periodicPower = Assert.Single(_monitoring.Report([MonitoringCriterionEnumType.PeriodicMonitoring], [new ComponentVariableType { Component = new ComponentType { Name = "EVSE" }, Variable = new VariableType { Name = "Power" } }]));
        Assert.Equal(MonitorEnumType.Periodic, Assert.Single(periodicPower.VariableMonitoring).Type);

        var empty = await _monitoring.GetMonitoringReport(new GetMonitoringReportRequest { RequestId = 1, ComponentVariable = [new ComponentVariableType { Component = new ComponentType { Name = "TxCtrlr" } }] }, null!, CancellationToken.None);
        Assert.Equal(GenericDeviceModelStatusEnumType.EmptyResultSet, empty.Status);
    }

    [Fact]
    public async Task N02_the_report_goes_in_NotifyMonitoringReport_parts_of_ItemsPerMessage()
    {
        using var test = new MonitoringBlockTests(DeviceModelConfig.Builtin().With("DeviceDataCtrlr", "ItemsPerMessage", "2", instance: "GetReport"));
        test._context.Answer = _ => new NotifyMonitoringReportResponse();
        var response = await test._monitoring.GetMonitoringReport(new GetMonitoringReportRequest { RequestId = 77 }, null!, CancellationToken.None);
        Assert.Equal(GenericDeviceModelStatusEnumType.Accepted, response.Status);
        await test._context.Background.WhenIdleAsync();

        var parts = test._context.Calls.OfType<NotifyMonitoringReportRequest>().ToList();
        Assert.Equal([2, 1], parts.Select(p => p.Monitor!.Count)); // three variables: TemperatureSensor and two converters
        Assert.Equal([(77, 0, true), (77, 1, false)], parts.Select(p => (p.RequestId, p.SeqNo, p.Tbc ?? false)));
        Assert.Equal(5, parts.SelectMany(p => p.Monitor!).Sum(m => m.VariableMonitoring.Count));
    }
}
