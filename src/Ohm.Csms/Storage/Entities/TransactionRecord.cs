namespace Ohm.Csms.Storage.Entities;

/// <summary>A transaction, keyed by station and the station-made transaction id, with its state derived in seqNo order.</summary>
public sealed class TransactionRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public required string TransactionId { get; set; }

    public int? EvseId { get; set; }

    public int? ConnectorId { get; set; }

    public string? IdToken { get; set; }

    public string? IdTokenType { get; set; }

    public string? AuthorizationStatus { get; set; }

    /// <summary>Active or Ended.</summary>
    public string State { get; set; } = "Active";

    public string? ChargingState { get; set; }

    public string? StoppedReason { get; set; }

    public int? RemoteStartId { get; set; }

    public int? ReservationId { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Whether a Started event was received (false for a transaction created from a later event).</summary>
    public bool StartedReceived { get; set; }

    /// <summary>The highest seqNo whose event has been applied to the state.</summary>
    public int LastSeqNo { get; set; } = -1;

    public int EventCount { get; set; }

    /// <summary>The seqNo of the Ended event, once received.</summary>
    public int? EndedSeqNo { get; set; }

    /// <summary>Energy.Active.Import.Register at the earliest and latest readings, in Wh.</summary>
    public decimal? MeterStartWh { get; set; }

    public DateTimeOffset? MeterStartAt { get; set; }

    public decimal? MeterLastWh { get; set; }

    public DateTimeOffset? MeterLastAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the CSMS asked the station (E14 GetTransactionStatus) about this transaction after it ended with gaps.</summary>
    public DateTimeOffset? StatusCheckedAt { get; set; }

    /// <summary>The station's answer: whether messages of the transaction are still queued; null before an answer.</summary>
    public bool? StatusMessagesInQueue { get; set; }

    /// <summary>The station's answer: whether the transaction is still ongoing; null when it did not say.</summary>
    public bool? StatusOngoing { get; set; }

    /// <summary>Why the check got no answer (not connected, timeout, CALLERROR); null when it got one.</summary>
    public string? StatusCheckError { get; set; }

    /// <summary>A copy to change without touching this one.</summary>
    public TransactionRecord Clone() => (TransactionRecord)MemberwiseClone();
}
