namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A MeterValues message sent outside a transaction (J01): its meter values kept as the document the station sent
/// (a JSON array of MeterValueType), one row per message.
/// </summary>
public sealed class MeterValueRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The message's meterValue array, as JSON.</summary>
    public required string MeterValues { get; set; }
}
