using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>
/// N: customizable monitoring. The monitors on the device model's variables: hard-wired and preconfigured ones from the
/// configuration (<see cref="MonitorConfig"/>), custom ones the CSMS sets with SetVariableMonitoring (N04) and clears
/// with ClearVariableMonitoring (N06); SetMonitoringBase (N03) and SetMonitoringLevel (N05); GetMonitoringReport (N02)
/// answered with NotifyMonitoringReport parts. Every monitor is evaluated at every tick of the station on the value
/// the variable has then (<see cref="MonitorEvaluator"/>), and what it finds is reported in NotifyEvent (N07, N08).
/// MonitoringCtrlr: Available, Enabled, ActiveMonitoringBase, ActiveMonitoringLevel, OfflineQueuingSeverity,
/// ItemsPerMessage and BytesPerMessage for SetVariableMonitoring and ClearVariableMonitoring.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Ids: a configured monitor's id is its position among the configured monitors (from 1); a new custom monitor
/// gets the next id never given before, kept in the store.</item>
/// <item>Persistence: every monitor but the hard-wired ones is a record in the store, so monitors survive a restart;
/// the first start writes the preconfigured ones (ActiveMonitoringBase All).</item>
/// <item>SetMonitoringBase: All activates every preconfigured monitor as configured, FactoryDefault only the
/// manufacturer's defaults among them; both keep the custom monitors. HardWiredOnly clears the custom monitors and
/// disables the preconfigured ones. Hard-wired monitors are never changed or cleared (Rejected).</item>
/// <item>Reporting: an event is reported only when its monitor's severity is at most ActiveMonitoringLevel (N05); while
/// the station is offline, only when it is at most OfflineQueuingSeverity as well, and then it waits in the queue. A
/// transaction monitor is evaluated only while a transaction runs on its EVSE (any EVSE, for a station-level
/// component); the event then names the transaction. NotifyEvent parts follow DeviceDataCtrlr ItemsPerMessage and
/// BytesPerMessage (GetReport), as NotifyMonitoringReport does.</item>
/// </list>
/// </remarks>
public sealed partial class Monitoring
{
    /// <summary>The controller component.</summary>
    public const string Component = "MonitoringCtrlr";

    private const string Prefix = "monitor:";
    private const string InitializedKey = "monitoring:initialized";
    private const string LastIdKey = "monitoring:lastId";
    private const string EventIdKey = "monitoring:eventId";

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IStationContext _context;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, VariableMonitor> _monitors = [];
    private readonly Dictionary<int, MonitorEvaluator> _watches = [];
    private List<VariableMonitor> _shipped = [];

    internal Monitoring(IStationContext context)
    {
        _context = context;
    }

    /// <summary>Whether monitoring is available and enabled (MonitoringCtrlr.Available and Enabled).</summary>
    public bool Enabled => _context.Model.Flag(Component, "Available", false) && _context.Model.Flag(Component, "Enabled", false);

    /// <summary>The events reported: those of monitors with at most this severity (ActiveMonitoringLevel, N05).</summary>
    public int Level => _context.Model.Number(Component, "ActiveMonitoringLevel", 9);

    /// <summary>The active monitors, by id.</summary>
    public IReadOnlyList<VariableMonitor> Monitors()
    {
        lock (_lock)
        {
            return [.. _monitors.Values];
        }
    }

    /// <summary>Whether a threshold monitor's alert is open now (its value is beyond its threshold).</summary>
    public bool IsAlerting(int monitorId)
    {
        lock (_lock)
        {
            return _watches.GetValueOrDefault(monitorId)?.Alerting ?? false;
        }
    }

    /// <summary>Reads the monitors: the hard-wired ones from the configuration, the others from the store (at start).</summary>
    internal void Load()
    {
        lock (_lock)
        {
            _monitors.Clear();
            _watches.Clear();
            _shipped = Shipped(_context.Model.Config);
            foreach (var monitor in _shipped.Where(m => m.Kind == EventNotificationEnumType.HardWiredMonitor))
            {
                _monitors[monitor.Id] = monitor;
            }

            if (_context.Store.GetRecord(InitializedKey) is null)
            {
                var preconfigured = _shipped.Where(m => m.Kind == EventNotificationEnumType.PreconfiguredMonitor).ToList();
                foreach (var monitor in preconfigured)
                {
                    _monitors[monitor.Id] = monitor;
                }

                Persist(preconfigured, [], clearAll: true);
                return;
            }

            foreach (var json in _context.Store.GetRecords(Prefix).Values)
            {
                if (JsonSerializer.Deserialize<VariableMonitor>(json, Json) is { } monitor && !_monitors.ContainsKey(monitor.Id))
                {
                    _monitors[monitor.Id] = monitor;
                }
            }
        }
    }

    /// <summary>At every tick: evaluates every monitor on the value its variable has now and reports what they found. Call under the gate.</summary>
    internal void Tick(DateTimeOffset now) => Evaluate(_ => true, now);

    /// <summary>When the device model set a value (SetVariables, or the station itself): that variable's monitors are evaluated at once.</summary>
    internal void OnVariableChanged(DeviceVariable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        Evaluate(m => m.Component == variable.Component && m.Variable == variable.Name && m.VariableInstance == variable.Instance, _context.Now);
    }

    private void Evaluate(Func<VariableMonitor, bool> which, DateTimeOffset now)
    {
        var found = new List<(VariableMonitor Monitor, MonitorFinding Finding)>();
        lock (_lock)
        {
            if (!Enabled)
            {
                _watches.Clear();
                return;
            }

            foreach (var monitor in _monitors.Values.Where(which))
            {
                var variable = _context.Model.Find(monitor.Component, monitor.Variable, monitor.VariableInstance);
                if (variable is null)
                {
                    continue;
                }

                if (monitor.Transaction && TransactionOf(monitor.Component) is null)
                {
                    _watches.Remove(monitor.Id); // not active outside a transaction: the next one starts afresh
                    continue;
                }

                var value = _context.Model.ActualValue(variable);
                if (!_watches.TryGetValue(monitor.Id, out var watch))
                {
                    watch = new MonitorEvaluator(monitor, variable.IsNumeric, value, now);
                    _watches[monitor.Id] = watch;
                }

                if (watch.Evaluate(value, now) is { } finding)
                {
                    found.Add((monitor, finding));
                }
            }
        }

        if (found.Count > 0)
        {
            Report(found, now);
        }
    }

    // N04 Set Variable Monitoring: each monitor validated, Accepted ones kept (a given id replaces that monitor).
    internal ValueTask<SetVariableMonitoringResponse> SetVariableMonitoring(SetVariableMonitoringRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        RequireAvailable(OcppActions.SetVariableMonitoring);
        CheckLimits(OcppActions.SetVariableMonitoring, request.SetMonitoringData.Count, JsonSerializer.SerializeToUtf8Bytes(request, OcppJsonContext.Default.SetVariableMonitoringRequest).Length);
        var results = new List<SetMonitoringResultType>();
        lock (_lock)
        {
            var changed = new List<VariableMonitor>();
            var lastId = LastId();
            foreach (var data in request.SetMonitoringData)
            {
                var (status, reason, replaced) = Validate(data);
                var result = new SetMonitoringResultType
                {
                    Status = status,
                    Type = data.Type,
                    Severity = data.Severity,
                    Component = data.Component,
                    Variable = data.Variable,
                    StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = status.ToString(), AdditionalInfo = reason },
                };
                if (status == SetMonitoringStatusEnumType.Accepted)
                {
                    var id = replaced?.Id ?? ++lastId;
                    var monitor = new VariableMonitor
                    {
                        Id = id,
                        Component = ComponentKey.From(data.Component),
                        Variable = data.Variable.Name,
                        VariableInstance = data.Variable.Instance,
                        Type = data.Type,
                        Value = data.Value,
                        Severity = data.Severity,
                        Transaction = data.Transaction ?? false,
                        Kind = replaced?.Kind ?? EventNotificationEnumType.CustomMonitor,
                        FactoryDefault = replaced?.FactoryDefault ?? false,
                    };
                    _monitors[id] = monitor;
                    _watches.Remove(id); // N07.FR.11: evaluated afresh on the current value
                    changed.Add(monitor);
                    result.Id = id;
                    _context.Report($"monitor {id} set: {monitor.Type} {monitor.Value.ToString(CultureInfo.InvariantCulture)} on {Describe(monitor)}");
                }

                results.Add(result);
            }

            if (changed.Count > 0)
            {
                Persist(changed, [], clearAll: false, lastId);
            }
        }

        return ValueTask.FromResult(new SetVariableMonitoringResponse { SetMonitoringResult = results });
    }

    // N06 Clear Variable Monitoring: Accepted, NotFound, or Rejected for a hard-wired monitor.
    internal ValueTask<ClearVariableMonitoringResponse> ClearVariableMonitoring(ClearVariableMonitoringRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        RequireAvailable(OcppActions.ClearVariableMonitoring);
        CheckLimits(OcppActions.ClearVariableMonitoring, request.Id.Count, JsonSerializer.SerializeToUtf8Bytes(request, OcppJsonContext.Default.ClearVariableMonitoringRequest).Length);
        var results = new List<ClearMonitoringResultType>();
        lock (_lock)
        {
            var removed = new List<int>();
            foreach (var id in request.Id)
            {
                var status = !_monitors.TryGetValue(id, out var monitor) ? ClearMonitoringStatusEnumType.NotFound
                    : monitor.Kind == EventNotificationEnumType.HardWiredMonitor ? ClearMonitoringStatusEnumType.Rejected
                    : ClearMonitoringStatusEnumType.Accepted;
                if (status == ClearMonitoringStatusEnumType.Accepted)
                {
                    _monitors.Remove(id);
                    _watches.Remove(id);
                    removed.Add(id);
                }

                results.Add(new ClearMonitoringResultType
                {
                    Id = id,
                    Status = status,
                    StatusInfo = status == ClearMonitoringStatusEnumType.Rejected ? new StatusInfoType { ReasonCode = "HardWired", AdditionalInfo = "A hard-wired monitor cannot be cleared." } : null,
                });
            }

            if (removed.Count > 0)
            {
                Persist([], removed, clearAll: false);
                _context.Report("monitors cleared: " + string.Join(", ", removed));
            }
        }

        return ValueTask.FromResult(new ClearVariableMonitoringResponse { ClearMonitoringResult = results });
    }

    // N03 Set Monitoring Base: All, FactoryDefault or HardWiredOnly.
    internal ValueTask<SetMonitoringBaseResponse> SetMonitoringBase(SetMonitoringBaseRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        RequireAvailable(OcppActions.SetMonitoringBase);
        lock (_lock)
        {
            ApplyBase(request.MonitoringBase);
        }

        _context.Model.SetInternal(new ComponentKey(Component), "ActiveMonitoringBase", request.MonitoringBase.ToString(), persist: true);
        _context.Report("monitoring base " + request.MonitoringBase);
        return ValueTask.FromResult(new SetMonitoringBaseResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
    }

    // N05 Set Monitoring Level: 0 (Danger) to 9 (Debug), else Rejected.
    internal ValueTask<SetMonitoringLevelResponse> SetMonitoringLevel(SetMonitoringLevelRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        RequireAvailable(OcppActions.SetMonitoringLevel);
        if (request.Severity is < 0 or > 9)
        {
            return ValueTask.FromResult(new SetMonitoringLevelResponse
            {
                Status = GenericStatusEnumType.Rejected,
                StatusInfo = new StatusInfoType { ReasonCode = "OutOfRange", AdditionalInfo = "The severity is 0 (Danger) to 9 (Debug)." },
            });
        }

        _context.Model.SetInternal(new ComponentKey(Component), "ActiveMonitoringLevel", request.Severity.ToString(CultureInfo.InvariantCulture), persist: true);
        _context.Report("monitoring level " + request.Severity.ToString(CultureInfo.InvariantCulture));
        return ValueTask.FromResult(new SetMonitoringLevelResponse { Status = GenericStatusEnumType.Accepted });
    }

    // N02 Get Monitoring Report: by criteria and component/variable; answered, then NotifyMonitoringReport parts.
    internal ValueTask<GetMonitoringReportResponse> GetMonitoringReport(GetMonitoringReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        RequireAvailable(OcppActions.GetMonitoringReport);
        var filters = request.ComponentVariable ?? [];
        var max = _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", int.MaxValue, "GetReport");
        if (filters.Count > max)
        {
            throw new OcppCallErrorException(OcppActions.GetMonitoringReport.Name, OcppErrorCode.OccurrenceConstraintViolation, $"At most {max} componentVariable items (ItemsPerMessageGetReport)."); // N02.FR.07
        }

        var data = Report(request.MonitoringCriteria ?? [], filters);
        if (data.Count == 0)
        {
            return ValueTask.FromResult(new GetMonitoringReportResponse { Status = GenericDeviceModelStatusEnumType.EmptyResultSet });
        }

        SendReportLater(request.RequestId, data);
        return ValueTask.FromResult(new GetMonitoringReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
    }

    /// <summary>N02: the monitors matching the criteria (none: all) and the component/variable filters (none: all), one item per variable.</summary>
    internal List<MonitoringDataType> Report(IReadOnlyCollection<MonitoringCriterionEnumType> criteria, IReadOnlyCollection<ComponentVariableType> filters)
    {
        lock (_lock)
        {
            return _monitors.Values
                .Where(m => criteria.Count == 0 || criteria.Contains(Criterion(m.Type)))
                .Where(m => filters.Count == 0 || filters.Any(f => Matches(m, f)))
                .GroupBy(m => (m.Component, m.Variable, m.VariableInstance))
                .Select(g => new MonitoringDataType
                {
                    Component = g.Key.Component.ToMessage(),
                    Variable = new VariableType { Name = g.Key.Variable, Instance = g.Key.VariableInstance },
                    VariableMonitoring = [.. g.Select(m => m.ToMessage())],
                })
                .ToList();
        }
    }

    /// <summary>The monitors the configuration ships, with their ids: their positions in configuration order, from 1.</summary>
    internal static List<VariableMonitor> Shipped(DeviceModelConfig config)
    {
        var result = new List<VariableMonitor>();
        foreach (var c in config.Components)
        {
            foreach (var v in c.Variables)
            {
                foreach (var m in v.Monitors ?? [])
                {
                    result.Add(new VariableMonitor
                    {
                        Id = result.Count + 1,
                        Component = new ComponentKey(c.Name, c.Instance, c.Evse, c.Connector),
                        Variable = v.Name,
                        VariableInstance = v.Instance,
                        Type = Enum.Parse<MonitorEnumType>(m.Type, ignoreCase: true),
                        Value = m.Value,
                        Severity = m.Severity,
                        Transaction = m.Transaction,
                        Kind = m.HardWired ? EventNotificationEnumType.HardWiredMonitor : EventNotificationEnumType.PreconfiguredMonitor,
                        FactoryDefault = !m.HardWired && m.FactoryDefault,
                    });
                }
            }
        }

        return result;
    }

    private static MonitoringCriterionEnumType Criterion(MonitorEnumType type) => type switch
    {
        MonitorEnumType.UpperThreshold or MonitorEnumType.LowerThreshold => MonitoringCriterionEnumType.ThresholdMonitoring,
        MonitorEnumType.Delta => MonitoringCriterionEnumType.DeltaMonitoring,
        _ => MonitoringCriterionEnumType.PeriodicMonitoring,
    };

    private static bool Matches(VariableMonitor m, ComponentVariableType filter)
    {
        var c = filter.Component;
        if (c.Name != m.Component.Name
            || (c.Instance is not null && c.Instance != m.Component.Instance)
            || (c.Evse is not null && (c.Evse.Id != m.Component.EvseId || (c.Evse.ConnectorId is not null && c.Evse.ConnectorId != m.Component.ConnectorId))))
        {
            return false;
        }

        return filter.Variable is null || (filter.Variable.Name == m.Variable && (filter.Variable.Instance is null || filter.Variable.Instance == m.VariableInstance));
    }

    private static string Describe(VariableMonitor m) =>
        (m.Component.EvseId is { } evse ? string.Create(CultureInfo.InvariantCulture, $"EVSE {evse} ") : "") + m.Component.Name + "." + m.Variable + (m.VariableInstance is { } i ? "[" + i + "]" : "");

    private void RequireAvailable(OcppAction action)
    {
        if (!_context.Model.Flag(Component, "Available", false))
        {
            throw new OcppCallErrorException(action.Name, OcppErrorCode.NotSupported, "Monitoring is not available on this station (MonitoringCtrlr.Available).");
        }
    }

    /// <summary>N04.FR.09 and N06: at most ItemsPerMessage items and BytesPerMessage bytes per request.</summary>
    private void CheckLimits(OcppAction action, int items, int bytes)
    {
        var maxItems = _context.Model.Number(Component, "ItemsPerMessage", int.MaxValue, action.Name);
        if (items > maxItems)
        {
            throw new OcppCallErrorException(action.Name, OcppErrorCode.OccurrenceConstraintViolation, $"At most {maxItems} items per {action.Name} (ItemsPerMessage{action.Name}).");
        }

        var maxBytes = _context.Model.Number(Component, "BytesPerMessage", int.MaxValue, action.Name);
        if (bytes > maxBytes)
        {
            throw new OcppCallErrorException(action.Name, OcppErrorCode.FormatViolation, $"At most {maxBytes} bytes per {action.Name} (BytesPerMessage{action.Name}).");
        }
    }

    /// <summary>N04: checks one monitor; the monitor it replaces when it names an id. Under the lock.</summary>
    private (SetMonitoringStatusEnumType Status, string? Reason, VariableMonitor? Replaced) Validate(SetMonitoringDataType data)
    {
        VariableMonitor? replaced = null;
        var component = ComponentKey.From(data.Component);
        if (data.Id is { } id)
        {
            // N04.FR.13: an id names an existing monitor; N04.FR.16: of the same component and variable.
            if (!_monitors.TryGetValue(id, out replaced))
            {
                return (SetMonitoringStatusEnumType.Rejected, $"There is no monitor {id}.", null);
            }

            if (replaced.Kind == EventNotificationEnumType.HardWiredMonitor)
            {
                return (SetMonitoringStatusEnumType.Rejected, $"Monitor {id} is hard-wired.", null);
            }

            if (replaced.Component != component || replaced.Variable != data.Variable.Name || replaced.VariableInstance != data.Variable.Instance)
            {
                return (SetMonitoringStatusEnumType.Rejected, $"Monitor {id} watches another variable.", null);
            }
        }

        if (!_context.Model.HasComponent(component))
        {
            return (SetMonitoringStatusEnumType.UnknownComponent, null, null);
        }

        var variable = _context.Model.Find(component, data.Variable.Name, data.Variable.Instance);
        if (variable is null)
        {
            return (SetMonitoringStatusEnumType.UnknownVariable, null, null);
        }

        if (!variable.SupportsMonitoring)
        {
            return (SetMonitoringStatusEnumType.UnsupportedMonitorType, "This variable does not support monitoring.", null);
        }

        var threshold = data.Type is MonitorEnumType.UpperThreshold or MonitorEnumType.LowerThreshold;
        if (threshold && !variable.IsNumeric)
        {
            return (SetMonitoringStatusEnumType.UnsupportedMonitorType, "A threshold needs a numeric variable.", null);
        }

        if (data.Severity is < 0 or > 9)
        {
            return (SetMonitoringStatusEnumType.Rejected, "The severity is 0 (Danger) to 9 (Debug).", null);
        }

        if (data.Type == MonitorEnumType.Delta && data.Value < 0)
        {
            return (SetMonitoringStatusEnumType.Rejected, "A delta is not negative.", null); // N04.FR.14
        }

        if (data.Type is MonitorEnumType.Periodic or MonitorEnumType.PeriodicClockAligned && data.Value < 1)
        {
            return (SetMonitoringStatusEnumType.Rejected, "A period is at least 1 second.", null);
        }

        if (threshold && ((variable.MinLimit is { } min && data.Value < min) || (variable.MaxLimit is { } max && data.Value > max)))
        {
            return (SetMonitoringStatusEnumType.Rejected, "The threshold is outside the variable's minLimit and maxLimit.", null);
        }

        // A monitor of this type and severity exists already on the variable (3.77 Duplicate); a replacement is not one.
        if (replaced is null && _monitors.Values.Any(m => m.Component == component && m.Variable == variable.Name && m.VariableInstance == variable.Instance
                                                          && m.Type == data.Type && m.Severity == data.Severity))
        {
            return (SetMonitoringStatusEnumType.Duplicate, null, null);
        }

        return (SetMonitoringStatusEnumType.Accepted, null, replaced);
    }

    /// <summary>N03: the monitors of a base. Under the lock.</summary>
    private void ApplyBase(MonitoringBaseEnumType monitoringBase)
    {
        var custom = _monitors.Values.Where(m => m.Kind == EventNotificationEnumType.CustomMonitor).ToList();
        var preconfigured = _shipped.Where(m => m.Kind == EventNotificationEnumType.PreconfiguredMonitor
                                                && (monitoringBase == MonitoringBaseEnumType.All || (monitoringBase == MonitoringBaseEnumType.FactoryDefault && m.FactoryDefault)))
            .ToList();
        var kept = monitoringBase == MonitoringBaseEnumType.HardWiredOnly ? [] : custom;
        _monitors.Clear();
        _watches.Clear();
        foreach (var monitor in _shipped.Where(m => m.Kind == EventNotificationEnumType.HardWiredMonitor).Concat(preconfigured).Concat(kept))
        {
            _monitors[monitor.Id] = monitor;
        }

        Persist([.. preconfigured, .. kept], [], clearAll: true);
    }

    private int LastId()
    {
        var stored = int.TryParse(_context.Store.GetRecord(LastIdKey), NumberStyles.Integer, CultureInfo.InvariantCulture, out var last) ? last : 0;
        return Math.Max(stored, Math.Max(_shipped.Count, _monitors.Count == 0 ? 0 : _monitors.Keys.Max()));
    }

    /// <summary>Writes monitors and removals in one transaction; <paramref name="clearAll"/> first drops every stored monitor. Under the lock.</summary>
    private void Persist(IEnumerable<VariableMonitor> write, IEnumerable<int> remove, bool clearAll, int? lastId = null)
    {
        var changes = write.Where(m => m.Kind != EventNotificationEnumType.HardWiredMonitor)
            .Select(m => new KeyValuePair<string, string?>(Key(m.Id), JsonSerializer.Serialize(m, Json)))
            .Concat(remove.Select(id => new KeyValuePair<string, string?>(Key(id), null)))
            .Append(new KeyValuePair<string, string?>(InitializedKey, "true"))
            .ToList();
        if (lastId is { } last)
        {
            changes.Add(new(LastIdKey, last.ToString(CultureInfo.InvariantCulture)));
        }

        _context.Store.WriteRecords(clearAll ? Prefix : null, changes);
    }

    private static string Key(int id) => Prefix + id.ToString("D6", CultureInfo.InvariantCulture);

    /// <summary>The transaction running where a component is: its EVSE's, or any for a station-level component.</summary>
    private string? TransactionOf(ComponentKey component) =>
        component.EvseId is { } evse
            ? _context.Evses.GetValueOrDefault(evse)?.Transaction?.Id
            : _context.Evses.Values.OrderBy(e => e.Id).Select(e => e.Transaction?.Id).FirstOrDefault(id => id is not null);

    /// <summary>N07, N08: the events of what the monitors found, filtered by level (and offline severity), queued as NotifyEvent parts.</summary>
    private void Report(List<(VariableMonitor Monitor, MonitorFinding Finding)> found, DateTimeOffset now)
    {
        var level = Level;
        var online = _context.IsOnline;
        var offlineSeverity = _context.Model.Number(Component, "OfflineQueuingSeverity", -1);
        var events = new List<EventDataType>();
        foreach (var (monitor, finding) in found)
        {
            var what = $"{Describe(monitor)} = {finding.ActualValue} ({finding.Trigger}{(finding.Cleared ? ", cleared" : "")}, monitor {monitor.Id}, severity {monitor.Severity})";
            if (monitor.Severity > level)
            {
                continue; // N05: below the monitoring level
            }

            if (!online && monitor.Severity > offlineSeverity)
            {
                _context.Report("event dropped (offline, above OfflineQueuingSeverity): " + what);
                continue;
            }

            _context.Report("event: " + what);
            events.Add(new EventDataType
            {
                EventId = _context.Store.NextCounter(EventIdKey) + 1,
                Timestamp = now,
                Trigger = finding.Trigger,
                ActualValue = finding.ActualValue.Length > 2500 ? finding.ActualValue[..2500] : finding.ActualValue,
                Cleared = finding.Cleared ? true : null,
                TransactionId = monitor.Transaction || monitor.Component.EvseId is not null ? TransactionOf(monitor.Component) : null,
                Component = monitor.Component.ToMessage(),
                Variable = new VariableType { Name = monitor.Variable, Instance = monitor.VariableInstance },
                VariableMonitoringId = monitor.Id,
                EventNotificationType = monitor.Kind,
            });
        }

        if (events.Count == 0)
        {
            return;
        }

        var parts = MessageParts.Split(
            events,
            OcppJsonContext.Default.EventDataType,
            _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", 50, "GetReport"),
            _context.Model.Number("DeviceDataCtrlr", "BytesPerMessage", 65000, "GetReport"),
            envelope: 200);
        for (var i = 0; i < parts.Count; i++)
        {
            _context.Enqueue(new NotifyEventRequest { GeneratedAt = now, SeqNo = i, Tbc = i < parts.Count - 1 ? true : null, EventData = parts[i] });
        }
    }

    private void SendReportLater(int requestId, List<MonitoringDataType> data)
    {
        var parts = MessageParts.Split(
            data,
            OcppJsonContext.Default.MonitoringDataType,
            _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", 50, "GetReport"),
            _context.Model.Number("DeviceDataCtrlr", "BytesPerMessage", 65000, "GetReport"),
            envelope: 200);
        var generatedAt = _context.Now;
        _context.Background.Run("NotifyMonitoringReport " + requestId.ToString(CultureInfo.InvariantCulture), async () =>
        {
            try
            {
                for (var i = 0; i < parts.Count; i++)
                {
                    await _context.CallAsync(
                        new NotifyMonitoringReportRequest { RequestId = requestId, GeneratedAt = generatedAt, SeqNo = i, Tbc = i < parts.Count - 1, Monitor = parts[i] },
                        _context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or OperationCanceledException or InvalidOperationException)
            {
                _context.Report("NotifyMonitoringReport failed: " + ex.Message);
            }
        });
    }
}
