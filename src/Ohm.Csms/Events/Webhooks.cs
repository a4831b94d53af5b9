using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Events;

/// <summary>The webhook outbox's rules: which webhooks an event goes to, the rows written with it, and the signature.</summary>
public static class Webhooks
{
    /// <summary>The header that carries the signature: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the body with the webhook's secret.</summary>
    public const string SignatureHeader = "X-Ohm-Signature";

    /// <summary>The header that carries the delivery's id (the same on every retry of it: a receiver can drop a repeat).</summary>
    public const string DeliveryHeader = "X-Ohm-Delivery";

    /// <summary>Delivery states.</summary>
    public const string Pending = "Pending";

    /// <summary>Delivered: the receiver answered 2xx.</summary>
    public const string Delivered = "Delivered";

    /// <summary>Given up after Csms:Webhooks:MaxAttempts.</summary>
    public const string Failed = "Failed";

    /// <summary>A new secret: 32 random bytes in lowercase hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The value of <see cref="SignatureHeader"/> for <paramref name="body"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>Whether a webhook takes an event of <paramref name="severity"/>: no filter takes all; a filter takes known severities at or below it (0 is the most severe).</summary>
    public static bool Takes(WebhookRecord webhook, int? severity)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return webhook.Enabled && (webhook.MaxSeverity is not { } max || (severity is { } s && s <= max));
    }

    /// <summary>The enabled webhooks, read in the writer's transaction that stores the events.</summary>
    internal static Task<List<WebhookRecord>> EnabledAsync(CsmsDbContext db) =>
        db.Webhooks.AsNoTracking().Where(w => w.Enabled).ToListAsync();

    /// <summary>Writes the outbox rows of one stored event, in the caller's transaction; returns how many.</summary>
    internal static async Task<int> EnqueueAsync(CsmsDbContext db, IReadOnlyList<WebhookRecord> webhooks, EventNotice notice, DateTimeOffset now)
    {
        var count = 0;
        string? payload = null;
        foreach (var webhook in webhooks)
        {
            if (!Takes(webhook, notice.Severity))
            {
                continue;
            }

            payload ??= notice.ToJson();
            await db.Statements<WebhookDeliveryRecord>().InsertAsync(new WebhookDeliveryRecord
            {
                WebhookId = webhook.Id,
                EventId = notice.Id,
                Payload = payload,
                State = Pending,
                NextAttemptAt = now,
                CreatedAt = now,
            }).ConfigureAwait(false);
            count++;
        }

        return count;
    }
}
