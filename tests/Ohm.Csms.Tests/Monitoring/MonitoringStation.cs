using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Monitoring;

/// <summary>
/// The station's side of block N for the CSMS's tests: a raw Ohm.Ocpp station that holds monitors (by id), answers
/// SetVariableMonitoring, ClearVariableMonitoring, SetMonitoringBase, SetMonitoringLevel and GetMonitoringReport (with
/// its criteria and components), reports in parts, and tells its MonitoringCtrlr message limits.
/// </summary>
internal sealed class MonitoringStation
{
    private int _nextId = 100;

    /// <summary>The monitors the station holds, by id.</summary>
    public Dictionary<int, (ComponentType Component, VariableType Variable, VariableMonitoringType Monitor)> Held { get; } = [];

    /// <summary>Every request received, in order.</summary>
    public List<object> Received { get; } = [];

    /// <summary>The components it does not have (SetVariableMonitoring answers UnknownComponent).</summary>
    public HashSet<string> UnknownComponents { get; } = [];

    /// <summary>The monitor ids ClearVariableMonitoring answers Rejected for (hard-wired, say).</summary>
    public HashSet<int> Protected { get; } = [];

    /// <summary>MonitoringCtrlr ItemsPerMessage per instance (SetVariableMonitoring, ClearVariableMonitoring); absent: not told.</summary>
    public Dictionary<string, int> ItemsPerMessage { get; } = [];

    /// <summary>How many monitors go in one NotifyMonitoringReport part.</summary>
    public int PerPart { get; set; } = 1;

    public OcppConnection? Connection { get; set; }

    public List<T> Of<T>()
    {
        lock (this)
        {
            return [.. Received.OfType<T>()];
        }
    }

    /// <summary>A monitor the station holds without the CSMS having set it (preconfigured).</summary>
    public int Preconfigure(string component, string variable, MonitorEnumType type, decimal value, int severity, int? evseId = null)
    {
        lock (this)
        {
            var id = _nextId++;
            Held[id] = (new ComponentType { Name = component, Evse = evseId is { } e ? new EVSEType { Id = e } : null }, new VariableType { Name = variable },
                new VariableMonitoringType { Id = id, Type = type, Value = value, Severity = severity, Transaction = false });
            return id;
        }
    }

    public OcppHandlers Handlers() => new OcppHandlers()
        .On(OcppActions.GetVariables, (request, _, _) =>
        {
            lock (this)
            {
                Received.Add(request);
                return ValueTask.FromResult(new GetVariablesResponse
                {
                    GetVariableResult = [.. request.GetVariableData.Select(d =>
                        d.Component.Name == "MonitoringCtrlr" && d.Variable.Name == "ItemsPerMessage" && ItemsPerMessage.TryGetValue(d.Variable.Instance ?? "", out var n)
                            ? new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.Accepted, Component = d.Component, Variable = d.Variable, AttributeValue = n.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                            : new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownVariable, Component = d.Component, Variable = d.Variable })],
                });
            }
        })
        .On(OcppActions.SetVariableMonitoring, (request, _, _) =>
        {
            lock (this)
            {
                Received.Add(request);
                var results = new List<SetMonitoringResultType>();
                foreach (var d in request.SetMonitoringData)
                {
                    if (UnknownComponents.Contains(d.Component.Name))
                    {
                        results.Add(new SetMonitoringResultType { Status = SetMonitoringStatusEnumType.UnknownComponent, Type = d.Type, Severity = d.Severity, Component = d.Component, Variable = d.Variable });
                        continue;
                    }

                    var id = d.Id ?? _nextId++;
                    Held[id] = (d.Component, d.Variable, new VariableMonitoringType { Id = id, Type = d.Type, Value = d.Value, Severity = d.Severity, Transaction = d.Transaction ?? false });
                    results.Add(new SetMonitoringResultType { Id = id, Status = SetMonitoringStatusEnumType.Accepted, Type = d.Type, Severity = d.Severity, Component = d.Component, Variable = d.Variable });
                }

                return ValueTask.FromResult(new SetVariableMonitoringResponse { SetMonitoringResult = results });
            }
        })
        .On(OcppActions.ClearVariableMonitoring, (request, _, _) =>
        {
            lock (this)
            {
                Received.Add(request);
                return ValueTask.FromResult(new ClearVariableMonitoringResponse
                {
                    ClearMonitoringResult = [.. request.Id.Select(id => new ClearMonitoringResultType
                    {
                        Id = id,
                        Status = Protected.Contains(id) ? ClearMonitoringStatusEnumType.Rejected : Held.Remove(id) ? ClearMonitoringStatusEnumType.Accepted : ClearMonitoringStatusEnumType.NotFound,
                    })],
                });
            }
        })
        .On(OcppActions.SetMonitoringBase, (request, _, _) =>
        {
            lock (this)
            {
                Received.Add(request);
                if (request.MonitoringBase == MonitoringBaseEnumType.HardWiredOnly)
                {
                    // Only the hard-wired (protected) monitors stay.
                    foreach (var id in Held.Keys.Where(k => !Protected.Contains(k)).ToList())
                    {
                        Held.Remove(id);
                    }
                }

                return ValueTask.FromResult(new SetMonitoringBaseResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
            }
        })
        .On(OcppActions.SetMonitoringLevel, (request, _, _) =>
        {
            lock (this)
            {
                Received.Add(request);
                return ValueTask.FromResult(new SetMonitoringLevelResponse { Status = request.Severity is >= 0 and <= 9 ? GenericStatusEnumType.Accepted : GenericStatusEnumType.Rejected });
            }
        })
        .On(OcppActions.GetMonitoringReport, (request, _, _) =>
        {
            List<MonitoringDataType> matching;
            lock (this)
            {
                Received.Add(request);
                matching = [.. Held.OrderBy(h => h.Key).Where(h => Matches(request, h.Value.Component, h.Value.Variable, h.Value.Monitor))
                    .Select(h => new MonitoringDataType { Component = h.Value.Component, Variable = h.Value.Variable, VariableMonitoring = [h.Value.Monitor] })];
            }

            if (matching.Count == 0)
            {
                return ValueTask.FromResult(new GetMonitoringReportResponse { Status = GenericDeviceModelStatusEnumType.EmptyResultSet });
            }

            var parts = matching.Chunk(PerPart).ToList();
            var generatedAt = DateTimeOffset.UtcNow;
            _ = Task.Run(async () =>
            {
                for (var i = 0; i < parts.Count; i++)
                {
                    await Connection!.CallAsync(new NotifyMonitoringReportRequest { RequestId = request.RequestId, SeqNo = i, Tbc = i < parts.Count - 1, GeneratedAt = generatedAt, Monitor = [.. parts[i]] });
                }
            }, CancellationToken.None);
            return ValueTask.FromResult(new GetMonitoringReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
        });

    private static bool Matches(GetMonitoringReportRequest request, ComponentType component, VariableType variable, VariableMonitoringType monitor) =>
        (request.MonitoringCriteria is not { Count: > 0 } criteria || criteria.Any(c => c switch
        {
            MonitoringCriterionEnumType.ThresholdMonitoring => monitor.Type is MonitorEnumType.UpperThreshold or MonitorEnumType.LowerThreshold,
            MonitoringCriterionEnumType.DeltaMonitoring => monitor.Type == MonitorEnumType.Delta,
            _ => monitor.Type is MonitorEnumType.Periodic or MonitorEnumType.PeriodicClockAligned,
        }))
        && (request.ComponentVariable is not { Count: > 0 } cvs || cvs.Any(cv => cv.Component.Name == component.Name && (cv.Variable is null || cv.Variable.Name == variable.Name)));
}
