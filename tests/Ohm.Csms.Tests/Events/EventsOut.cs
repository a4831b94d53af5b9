using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Events;

/// <summary>What the events tests send: the white paper's monitor on EVSE 1's AcDcConverter Temperature, and its events.</summary>
internal static class EventsOut
{
    public static ComponentType AcDcConverter => new() { Name = "AcDcConverter", Evse = new EVSEType { Id = 1 } };

    public static VariableType Temperature => new() { Name = "Temperature" };

    /// <summary>Sets the UpperThreshold monitor through the API and answers the id the station gave it.</summary>
    public static OcppHandlers MonitorHandlers(int monitorId) => new OcppHandlers()
        .On(OcppActions.GetVariables, (request, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = [.. request.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownVariable, Component = d.Component, Variable = d.Variable })],
        }))
        .On(OcppActions.SetVariableMonitoring, (request, _, _) => ValueTask.FromResult(new SetVariableMonitoringResponse
        {
            SetMonitoringResult = [.. request.SetMonitoringData.Select(d => new SetMonitoringResultType
            {
                Id = d.Id ?? monitorId, Status = SetMonitoringStatusEnumType.Accepted, Type = d.Type, Severity = d.Severity, Component = d.Component, Variable = d.Variable,
            })],
        }));

    public static NotifyEventRequest Event(int eventId, string value, bool cleared, int? monitorId, DateTimeOffset at, EventTriggerEnumType trigger = EventTriggerEnumType.Alerting) => new()
    {
        GeneratedAt = at,
        SeqNo = 0,
        EventData =
        [
            new EventDataType
            {
                EventId = eventId,
                Timestamp = at,
                Trigger = trigger,
                ActualValue = value,
                Cleared = cleared ? true : null,
                VariableMonitoringId = monitorId,
                EventNotificationType = monitorId is null ? EventNotificationEnumType.HardWiredNotification : EventNotificationEnumType.CustomMonitor,
                Component = AcDcConverter,
                Variable = Temperature,
                TechCode = cleared ? null : "OverTemp",
            },
        ],
    };
}
