namespace Ohm.Csms.Storage.Entities;

/// <summary>One event of a NotifyEvent report (N07 alert, N08 periodic), as an alert list needs it.</summary>
public sealed class EventRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The report the event arrived in.</summary>
    public long EventReportId { get; set; }

    /// <summary>The station's eventId.</summary>
    public int EventId { get; set; }

    /// <summary>When the event happened, by the station's clock.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Alerting, Delta or Periodic.</summary>
    public required string Trigger { get; set; }

    /// <summary>The eventId of the event that caused this one.</summary>
    public int? Cause { get; set; }

    public required string ActualValue { get; set; }

    public string? TechCode { get; set; }

    public string? TechInfo { get; set; }

    /// <summary>Whether the event reports that an earlier problem has gone away.</summary>
    public bool Cleared { get; set; }

    public string? TransactionId { get; set; }

    public int? VariableMonitoringId { get; set; }

    /// <summary>The severity of the monitor that raised it (from the stored monitors); null when unknown.</summary>
    public int? Severity { get; set; }

    /// <summary>HardWiredNotification, HardWiredMonitor, PreconfiguredMonitor or CustomMonitor.</summary>
    public required string EventNotificationType { get; set; }

    public required string ComponentName { get; set; }

    public string? ComponentInstance { get; set; }

    public int? EvseId { get; set; }

    public int? ConnectorId { get; set; }

    public required string VariableName { get; set; }

    public string? VariableInstance { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
