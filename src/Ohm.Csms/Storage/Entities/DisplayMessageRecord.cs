namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A display message a station holds (block O), as the station last reported it (NotifyDisplayMessages) or as it
/// accepted it (SetDisplayMessage Accepted); ClearDisplayMessage and reports that no longer name it remove it.
/// </summary>
public sealed class DisplayMessageRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The message's id on the station (MessageInfoType.id), unique per station.</summary>
    public int MessageId { get; set; }

    /// <summary>
    /// The id the API gave a message set in several languages (one OCPP message per language): the id of its first
    /// language. Null for a message the CSMS learnt only from a report.
    /// </summary>
    public int? GroupId { get; set; }

    /// <summary>AlwaysFront, InFront or NormalCycle (the wire spelling), for filtering.</summary>
    public required string Priority { get; set; }

    /// <summary>Charging, Faulted, Idle or Unavailable, or null for any state.</summary>
    public string? State { get; set; }

    /// <summary>The language of its content, or null.</summary>
    public string? Language { get; set; }

    /// <summary>The transaction it belongs to, or null.</summary>
    public string? TransactionId { get; set; }

    /// <summary>The whole MessageInfoType as JSON, as the station holds it.</summary>
    public required string Info { get; set; }

    /// <summary>Where the CSMS learnt it: Set (the station accepted it) or Report (NotifyDisplayMessages).</summary>
    public required string Source { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
