namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A monitor a station holds (block N), as the station last reported (NotifyMonitoringReport) or accepted
/// (SetVariableMonitoring) it; <see cref="MonitorId"/> is the id the station gave it.
/// </summary>
public sealed class MonitorRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The station's id of the monitor.</summary>
    public int MonitorId { get; set; }

    public required string ComponentName { get; set; }

    public string? ComponentInstance { get; set; }

    public int? EvseId { get; set; }

    public int? ConnectorId { get; set; }

    public required string VariableName { get; set; }

    public string? VariableInstance { get; set; }

    /// <summary>UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned.</summary>
    public required string Type { get; set; }

    /// <summary>The threshold, the delta, or the interval in seconds, by type.</summary>
    public decimal Value { get; set; }

    /// <summary>0 (Danger) to 9 (Debug).</summary>
    public int Severity { get; set; }

    /// <summary>Whether the monitor is active only during a transaction.</summary>
    public bool Transaction { get; set; }

    /// <summary>Set (accepted from SetVariableMonitoring) or Report (NotifyMonitoringReport).</summary>
    public required string Source { get; set; }

    /// <summary>The monitoring report that last named the monitor; null when set and not reported since.</summary>
    public long? ReportId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A GetMonitoringReport the CSMS asked for (or a NotifyMonitoringReport it did not), assembled from its parts by requestId, seqNo and tbc.</summary>
public sealed class MonitoringReportRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int RequestId { get; set; }

    /// <summary>The monitoringCriteria asked for, comma separated; null for none (every type).</summary>
    public string? Criteria { get; set; }

    /// <summary>The componentVariable filter asked for, as JSON; null for none (every component).</summary>
    public string? ComponentVariables { get; set; }

    /// <summary>Whether the CSMS asked for the report (only then does its last part remove monitors it did not name).</summary>
    public bool Requested { get; set; }

    /// <summary>The station's answer to GetMonitoringReport (Accepted, Rejected, NotSupported, EmptyResultSet).</summary>
    public string? Status { get; set; }

    public int PartsReceived { get; set; }

    public int LastSeqNo { get; set; } = -1;

    public int MonitorsReported { get; set; }

    public bool Complete { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>
/// An alert (N07): open from the first Alerting event of a station's component, variable and monitor until the event
/// of the same that reports it cleared.
/// </summary>
public sealed class AlertRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public required string ComponentName { get; set; }

    public string? ComponentInstance { get; set; }

    public int? EvseId { get; set; }

    public int? ConnectorId { get; set; }

    public required string VariableName { get; set; }

    public string? VariableInstance { get; set; }

    /// <summary>The monitor that raised it; null for a hard-wired notification.</summary>
    public int? VariableMonitoringId { get; set; }

    /// <summary>The severity of the monitor, as stored when the alert opened; null when unknown.</summary>
    public int? Severity { get; set; }

    /// <summary>The station's time of the first event.</summary>
    public DateTimeOffset OpenedAt { get; set; }

    /// <summary>The stored event (<see cref="EventRecord.Id"/>) that opened it.</summary>
    public long OpenedByEventId { get; set; }

    /// <summary>The station's time of the latest event of the alert.</summary>
    public DateTimeOffset LastEventAt { get; set; }

    public required string LastValue { get; set; }

    public string? TechCode { get; set; }

    public string? TechInfo { get; set; }

    /// <summary>Events of the alert so far, the clearing one included.</summary>
    public int EventCount { get; set; }

    /// <summary>Whether it is open (no clearing event yet).</summary>
    public bool Open { get; set; }

    /// <summary>The station's time of the clearing event.</summary>
    public DateTimeOffset? ClearedAt { get; set; }

    public long? ClearedByEventId { get; set; }
}
