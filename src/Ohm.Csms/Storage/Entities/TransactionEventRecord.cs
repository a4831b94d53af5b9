namespace Ohm.Csms.Storage.Entities;

/// <summary>One TransactionEvent as received, with every field the CSMS keeps.</summary>
public sealed class TransactionEventRecord
{
    public long Id { get; set; }

    public long TransactionRecordId { get; set; }

    public TransactionRecord? Transaction { get; set; }

    public required string StationId { get; set; }

    public required string TransactionId { get; set; }

    public int SeqNo { get; set; }

    public required string EventType { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public required string TriggerReason { get; set; }

    public bool Offline { get; set; }

    public int? NumberOfPhasesUsed { get; set; }

    public decimal? CableMaxCurrent { get; set; }

    public int? ReservationId { get; set; }

    public string? ChargingState { get; set; }

    public string? StoppedReason { get; set; }

    public int? RemoteStartId { get; set; }

    public int? EvseId { get; set; }

    public int? ConnectorId { get; set; }

    public string? IdToken { get; set; }

    public string? IdTokenType { get; set; }

    /// <summary>Received after the transaction's Ended event: stored, never applied.</summary>
    public bool Late { get; set; }

    /// <summary>Received with a seqNo lower than one already applied: stored, not applied to the state.</summary>
    public bool OutOfOrder { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>
    /// The event's meterValue array as the station sent it (JSON of MeterValueType), or null when it had none. One
    /// document per event rather than a row per sampled value: a TransactionEvent is written in one statement.
    /// </summary>
    public string? MeterValues { get; set; }
}
