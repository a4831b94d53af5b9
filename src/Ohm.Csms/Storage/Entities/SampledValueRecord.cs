namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// One sampled value, as meter values were stored before they became one document per message
/// (<see cref="TransactionEventRecord.MeterValues"/>, <see cref="MeterValueRecord"/>). Nothing writes these rows any
/// more; the API still shows those that databases of earlier versions hold.
/// </summary>
public sealed class SampledValueRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    /// <summary>The station-made transaction id when the value belongs to a transaction.</summary>
    public string? TransactionId { get; set; }

    public long? TransactionEventId { get; set; }

    public TransactionEventRecord? Event { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public decimal Value { get; set; }

    public string Measurand { get; set; } = "Energy.Active.Import.Register";

    public string? Phase { get; set; }

    public string? Location { get; set; }

    public string? Context { get; set; }

    public string? Unit { get; set; }

    public int? Multiplier { get; set; }

    public string? SignedMeterData { get; set; }

    public string? SigningMethod { get; set; }

    public string? EncodingMethod { get; set; }

    public string? PublicKey { get; set; }
}
