namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// One entry of the security-event log: an event the CSMS saw itself (a refused handshake, say; <see cref="Source"/>
/// <c>Csms</c>) or one a station reported in SecurityEventNotification (<c>Station</c>). Under attack one row stands for
/// many alike events: <see cref="Count"/> of them, from <see cref="Timestamp"/> to <see cref="LastAt"/>.
/// </summary>
public sealed class SecurityEventRecord
{
    /// <summary><see cref="Source"/> of the events the CSMS records itself.</summary>
    public const string FromCsms = "Csms";

    /// <summary><see cref="Source"/> of the events a station reports (SecurityEventNotification).</summary>
    public const string FromStation = "Station";

    public long Id { get; set; }

    /// <summary>When the (first) event happened; for a station's event, its own timestamp.</summary>
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>Who saw the event: <see cref="FromCsms"/> or <see cref="FromStation"/>.</summary>
    public required string Source { get; set; }

    /// <summary>
    /// The event type, with the names of OCPP 2.0.1 Part 2 Appendices (Security Events) where one fits
    /// (FailedToAuthenticateAtCsms, InvalidChargingStationCertificate, ...); at most 50 characters as in the message.
    /// </summary>
    public required string Type { get; set; }

    /// <summary>Whether Part 2's Security Events appendix marks the type critical (see SecurityEventTypes).</summary>
    public bool Critical { get; set; }

    /// <summary>The station the event concerns, when known (for a refused handshake, the identity it claimed).</summary>
    public string? StationId { get; set; }

    /// <summary>The peer's address, for events the CSMS saw on a connection.</summary>
    public string? RemoteAddress { get; set; }

    /// <summary>Free text as the message's techInfo (at most 255 characters).</summary>
    public string? TechInfo { get; set; }

    /// <summary>How many alike events this row stands for (1 unless they were counted together).</summary>
    public int Count { get; set; } = 1;

    /// <summary>When the last of <see cref="Count"/> events happened; equal to <see cref="Timestamp"/> for one.</summary>
    public DateTimeOffset LastAt { get; set; }

    /// <summary>When the CSMS stored it.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
}
