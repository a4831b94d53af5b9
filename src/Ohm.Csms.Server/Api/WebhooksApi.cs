using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Events;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Webhooks for events: register a URL (with an optional severity filter; the signing secret is answered once), list and
/// delete them, and see each delivery of the outbox with its attempts.
/// </summary>
internal static class WebhooksApi
{
    private static readonly string[] States = [Webhooks.Pending, Webhooks.Delivered, Webhooks.Failed];

    public static void Map(RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        hooks.MapPost("/", CreateAsync).WithName("createWebhook")
            .WithSummary("Register a webhook: every event that passes maxSeverity is POSTed to url as JSON, signed in X-Ohm-Signature")
            .WithDescription("The body of each POST is the event as the live stream carries it; X-Ohm-Signature is sha256= and the lowercase hex HMAC-SHA256 of "
                + "the body with the secret, which this answer shows once and no list shows again; X-Ohm-Delivery is the delivery's id, the same on each retry. "
                + "A receiver answers 2xx to take it; otherwise it is retried with growing waits (Csms:Webhooks), the webhook's later events waiting behind it. "
                + "Deliveries come from an outbox written with the events, so a restart of the CSMS loses none.")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        hooks.MapGet("/", ListAsync).WithName("listWebhooks").WithSummary("The registered webhooks, with their delivery counts (the secret is not shown)");
        hooks.MapGet("/{id:long}", GetAsync).WithName("getWebhook").WithSummary("One webhook").ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPatch("/{id:long}", ChangeAsync).WithName("changeWebhook")
            .WithSummary("Pause (enabled false) or resume a webhook: while paused no rows are written for it, and rows written before wait until it is resumed")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        hooks.MapDelete("/{id:long}", DeleteAsync).WithName("deleteWebhook").WithSummary("Delete a webhook and its outbox rows").ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapGet("/{id:long}/deliveries", DeliveriesAsync).WithName("listWebhookDeliveries")
            .WithSummary("The webhook's deliveries, newest first, with their state (Pending, Delivered, Failed), attempts and last answer")
            .ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapGet("/{id:long}/deliveries/{deliveryId:long}/attempts", AttemptsAsync).WithName("getWebhookDeliveryAttempts")
            .WithSummary("Every attempt of one delivery, in order").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>A webhook to register: an http or https <c>url</c>, <c>maxSeverity</c> 0-9 (events of that severity or more severe only; left out: every event) and a description.</summary>
    internal sealed record WebhookBody
    {
        public required string Url { get; init; }

        public int? MaxSeverity { get; init; }

        public string? Description { get; init; }
    }

    /// <summary>What to change of a webhook: <c>enabled</c> pauses or resumes it.</summary>
    internal sealed record WebhookChange
    {
        public required bool Enabled { get; init; }
    }

    /// <summary>A webhook, with how many of its deliveries are pending, delivered and failed.</summary>
    internal sealed record WebhookView(long Id, string Url, int? MaxSeverity, string? Description, bool Enabled, DateTimeOffset CreatedAt, int Pending, int Delivered, int Failed);

    /// <summary>A webhook just registered, with its secret (shown this once).</summary>
    internal sealed record WebhookCreated(long Id, string Url, int? MaxSeverity, string? Description, string Secret, DateTimeOffset CreatedAt);

    /// <summary>One delivery of the outbox: the event, its state, attempts so far, when the next is due, the last answer.</summary>
    internal sealed record DeliveryView(
        long Id, long EventId, string State, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, int? LastStatusCode, string? LastError);

    /// <summary>One attempt: when, the HTTP status (null when none came), the error, and whether it delivered.</summary>
    internal sealed record AttemptView(long Id, DateTimeOffset AttemptedAt, int? StatusCode, string? Error, bool Succeeded);

    private static async Task<Results<Created<WebhookCreated>, ValidationProblem>> CreateAsync(WebhookBody body, CsmsWriter writer, TimeProvider time, CancellationToken ct)
    {
        if (!Uri.TryCreate(body.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || body.Url.Length > 2000)
        {
            return ApiResults.Invalid("url", "must be an absolute http or https URL of at most 2000 characters");
        }

        if (body.MaxSeverity is < 0 or > 9)
        {
            return ApiResults.Invalid("maxSeverity", "must be 0 (Danger) to 9 (Debug)");
        }

        if (body.Description is { Length: > 200 })
        {
            return ApiResults.Invalid("description", "is at most 200 characters long");
        }

        var record = new WebhookRecord { Url = body.Url, MaxSeverity = body.MaxSeverity, Description = body.Description, Secret = Webhooks.NewSecret(), CreatedAt = time.GetUtcNow() };
        await writer.ExecuteAsync(db =>
        {
            db.Webhooks.Add(record);
            return Task.CompletedTask;
        }, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/webhooks/{record.Id}", new WebhookCreated(record.Id, record.Url, record.MaxSeverity, record.Description, record.Secret, record.CreatedAt));
    }

    private static async Task<Results<Ok<Page<WebhookView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        var query = db.Webhooks.AsNoTracking();
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(w => w.Id > a);
        }

        var hooks = await query.OrderBy(w => w.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var counts = await CountsAsync(db, null, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(hooks, take, total, w => View(w, counts), w => Paging.Key(w.Id)));
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetAsync(long id, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var hook = await db.Webhooks.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct).ConfigureAwait(false);
        return hook is null ? ApiResults.NotFound($"Webhook {id} does not exist.") : TypedResults.Ok(View(hook, await CountsAsync(db, id, ct).ConfigureAwait(false)));
    }

    private static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> ChangeAsync(
        long id, WebhookChange body, CsmsWriter writer, CsmsDatabase database, WebhookDispatcher dispatcher, CancellationToken ct)
    {
        var found = await writer.ExecuteAsync(async db =>
        {
            var hook = await db.Webhooks.FindAsync(id).ConfigureAwait(false);
            if (hook is null)
            {
                return false;
            }

            hook.Enabled = body.Enabled;
            return true;
        }, ct).ConfigureAwait(false);
        if (!found)
        {
            return ApiResults.NotFound($"Webhook {id} does not exist.");
        }

        dispatcher.Wake(); // resumed: its waiting rows go now
        await using var db = database.CreateContext();
        var hook = await db.Webhooks.AsNoTracking().FirstAsync(w => w.Id == id, ct).ConfigureAwait(false);
        return TypedResults.Ok(View(hook, await CountsAsync(db, id, ct).ConfigureAwait(false)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long id, CsmsWriter writer, CancellationToken ct)
    {
        var found = await writer.ExecuteAsync(async db =>
        {
            var hook = await db.Webhooks.FindAsync(id).ConfigureAwait(false);
            if (hook is null)
            {
                return false;
            }

            db.Webhooks.Remove(hook); // its deliveries and their attempts go with it (cascade)
            return true;
        }, ct).ConfigureAwait(false);
        return found ? TypedResults.NoContent() : ApiResults.NotFound($"Webhook {id} does not exist.");
    }

    private static async Task<Results<Ok<Page<DeliveryView>>, ValidationProblem, ProblemHttpResult>> DeliveriesAsync(
        long id, [Description("Pending, Delivered or Failed")] string? state,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (state is not null && !States.Contains(state))
        {
            return ApiResults.Invalid("state", "must be Pending, Delivered or Failed");
        }

        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        if (!await db.Webhooks.AsNoTracking().AnyAsync(w => w.Id == id, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"Webhook {id} does not exist.");
        }

        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == id);
        if (state is not null)
        {
            query = query.Where(d => d.State == state);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(d => d.Id < b);
        }

        var rows = await query.OrderByDescending(d => d.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(
            rows, take, total,
            d => new DeliveryView(d.Id, d.EventId, d.State, d.Attempts, d.CreatedAt, d.NextAttemptAt, d.DeliveredAt, d.LastStatusCode, d.LastError),
            d => Paging.Key(d.Id)));
    }

    private static async Task<Results<Ok<AttemptView[]>, ProblemHttpResult>> AttemptsAsync(long id, long deliveryId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.WebhookDeliveries.AsNoTracking().AnyAsync(d => d.Id == deliveryId && d.WebhookId == id, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"Webhook {id} has no delivery {deliveryId}.");
        }

        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(attempts.Select(a => new AttemptView(a.Id, a.AttemptedAt, a.StatusCode, a.Error, a.Succeeded)).ToArray());
    }

    private static async Task<Dictionary<(long, string), int>> CountsAsync(CsmsDbContext db, long? id, CancellationToken ct)
    {
        var query = db.WebhookDeliveries.AsNoTracking();
        if (id is { } one)
        {
            query = query.Where(d => d.WebhookId == one);
        }

        var rows = await query.GroupBy(d => new { d.WebhookId, d.State }).Select(g => new { g.Key.WebhookId, g.Key.State, Count = g.Count() }).ToListAsync(ct).ConfigureAwait(false);
        return rows.ToDictionary(r => (r.WebhookId, r.State), r => r.Count);
    }

    private static WebhookView View(WebhookRecord w, Dictionary<(long, string), int> counts) => new(
        w.Id, w.Url, w.MaxSeverity, w.Description, w.Enabled, w.CreatedAt,
        counts.GetValueOrDefault((w.Id, Webhooks.Pending)), counts.GetValueOrDefault((w.Id, Webhooks.Delivered)), counts.GetValueOrDefault((w.Id, Webhooks.Failed)));
}
