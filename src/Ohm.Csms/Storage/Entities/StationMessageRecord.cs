namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A message a station sent, stored as received: for the actions whose block does not keep its own tables yet
/// (security events, firmware and log status, monitoring reports, charging limits, ...).
/// </summary>
public sealed class StationMessageRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The OCPP action, such as SecurityEventNotification.</summary>
    public required string Action { get; set; }

    /// <summary>The CALL's message id.</summary>
    public required string MessageId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The request payload, the JSON text exactly as the station sent it.</summary>
    public required string Payload { get; set; }
}
