using System.Text.Json;
using System.Text.Json.Serialization;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Events;

/// <summary>
/// One event a station reported (NotifyEvent, N07/N08) as the CSMS sends it out: on the live stream (one JSON per
/// Server-Sent Event) and as the body of a webhook POST. <c>id</c> is the stored event's id; <c>alert</c> says what the
/// event did to its alert, when it has one.
/// </summary>
public sealed record EventNotice(
    long Id, string StationId, int EventId, DateTimeOffset Timestamp, string Trigger, string ActualValue, bool Cleared, int? Severity, int? Cause,
    string? TechCode, string? TechInfo, string? TransactionId, int? VariableMonitoringId, string EventNotificationType, EventComponent Component,
    EventVariable Variable, EventAlert? Alert, DateTimeOffset ReceivedAt)
{
    /// <summary>The notice of a stored event (its id set) and what it did to its alert.</summary>
    public static EventNotice Of(EventRecord e, EventAlert? alert)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new EventNotice(
            e.Id, e.StationId, e.EventId, e.Timestamp, e.Trigger, e.ActualValue, e.Cleared, e.Severity, e.Cause, e.TechCode, e.TechInfo, e.TransactionId,
            e.VariableMonitoringId, e.EventNotificationType, new EventComponent(e.ComponentName, e.ComponentInstance, e.EvseId, e.ConnectorId),
            new EventVariable(e.VariableName, e.VariableInstance), alert, e.ReceivedAt);
    }

    /// <summary>The notice as the JSON that goes out.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, EventsJson.Default.EventNotice);
}

/// <summary>The component of an event: name, instance, and the EVSE and connector it belongs to.</summary>
public sealed record EventComponent(string Name, string? Instance, int? EvseId, int? ConnectorId);

/// <summary>The variable of an event.</summary>
public sealed record EventVariable(string Name, string? Instance);

/// <summary>The alert of an event: its id, and whether the event opened it, continued it or cleared it.</summary>
public sealed record EventAlert(long Id, string State);

/// <summary>What an event did to its alert.</summary>
public static class AlertStates
{
    /// <summary>The event opened the alert.</summary>
    public const string Opened = "Opened";

    /// <summary>The alert was already open; the event is another of it.</summary>
    public const string Ongoing = "Ongoing";

    /// <summary>The event cleared the alert.</summary>
    public const string Cleared = "Cleared";
}

/// <summary>The JSON of what leaves through the events-out seams: camelCase, nulls written.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EventNotice))]
public sealed partial class EventsJson : JsonSerializerContext;
