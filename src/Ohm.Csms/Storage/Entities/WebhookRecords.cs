namespace Ohm.Csms.Storage.Entities;

/// <summary>A webhook an operator registered: events that pass its severity filter are POSTed to its URL, signed with its secret.</summary>
public sealed class WebhookRecord
{
    public long Id { get; set; }

    public required string Url { get; set; }

    /// <summary>Events of this severity or more severe (0 Danger ... 9 Debug) only; null for every event, those of unknown severity included.</summary>
    public int? MaxSeverity { get; set; }

    /// <summary>The HMAC-SHA256 key of the X-Ohm-Signature header; shown once, when the webhook is created.</summary>
    public required string Secret { get; set; }

    public string? Description { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// The durable outbox of webhook deliveries: one row per webhook and event, written in the transaction that stores the
/// event, delivered (in order per webhook) by the dispatcher.
/// </summary>
public sealed class WebhookDeliveryRecord
{
    public long Id { get; set; }

    public long WebhookId { get; set; }

    /// <summary>The stored event (<see cref="EventRecord.Id"/>).</summary>
    public long EventId { get; set; }

    /// <summary>The JSON body that is POSTed, fixed when the row is written.</summary>
    public required string Payload { get; set; }

    /// <summary>Pending, Delivered or Failed (given up after the most attempts).</summary>
    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>The HTTP status of the last attempt; null when it got none.</summary>
    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}

/// <summary>One attempt to deliver a webhook row.</summary>
public sealed class WebhookAttemptRecord
{
    public long Id { get; set; }

    public long DeliveryId { get; set; }

    public long WebhookId { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    /// <summary>The HTTP status answered; null when the request failed without one.</summary>
    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public bool Succeeded { get; set; }
}
