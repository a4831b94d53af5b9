using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Events;

/// <summary>
/// Delivers the webhook outbox (<see cref="WebhookDeliveryRecord"/>): each webhook's pending rows in the order they were
/// written, one at a time; a failed attempt (no answer, or not 2xx) holds that webhook's later rows until its retry, which
/// waits <see cref="WebhookOptions.RetryAfter"/> on the injected clock. Every attempt is stored. A row is marked
/// Delivered once the receiver answered 2xx, so a row is POSTed again only when the CSMS stopped between the POST and
/// that write (the <see cref="Webhooks.DeliveryHeader"/> lets a receiver drop such a repeat). This is the single-node
/// dispatcher: one per database. With an <see cref="IWebhookDeliveryLease"/> (a cluster) it delivers only while its
/// process holds the lease, so one node of the cluster delivers at a time and another takes over when it dies; the others
/// tell it when they wrote rows. <see cref="WebhookOptions.Deliver"/> off keeps a process out of it altogether.
/// </summary>
public sealed class WebhookDispatcher : IAsyncDisposable
{
    /// <summary>Rows of one webhook read per pass.</summary>
    private const int PassSize = 500;

    /// <summary>With a lease, the longest wait between two passes: a notification from another process may be lost.</summary>
    private static readonly TimeSpan LeasedPoll = TimeSpan.FromSeconds(15);

    private readonly CsmsDatabase _database;
    private readonly CsmsWriter _writer;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly CsmsMetrics _metrics;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly HttpClient _http;
    private readonly IWebhookDeliveryLease? _lease;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Creates the dispatcher; <see cref="Start"/> starts it.</summary>
    public WebhookDispatcher(CsmsDatabase database, CsmsWriter writer, WebhookOptions options, TimeProvider time, CsmsMetrics metrics, ILogger<WebhookDispatcher> logger, HttpMessageHandler? handler = null, IWebhookDeliveryLease? lease = null)
    {
        _lease = lease;
        ArgumentNullException.ThrowIfNull(options);
        _database = database;
        _writer = writer;
        _options = options;
        _time = time;
        _metrics = metrics;
        _logger = logger;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Ohm-Webhooks", "1"));
    }

    /// <summary>Passes run so far (a test waits for one).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    private long _passes;

    private volatile bool _holding;

    /// <summary>Whether this process delivers now: it started, and holds the lease when there is one.</summary>
    public bool Delivering => _loop is not null && (_lease is null || _holding);

    /// <summary>Starts delivering, once the database is migrated; nothing when <see cref="WebhookOptions.Deliver"/> is off.</summary>
    public void Start()
    {
        if (!_options.Deliver)
        {
            _logger.LogInformation("Webhook delivery is off (Csms:Webhooks:Deliver): outbox rows wait for a process that delivers them");
            return;
        }

        _loop ??= Task.Run(() => _lease is null ? RunAsync(_stopping.Token) : LeasedAsync(_lease, _stopping.Token));
    }

    /// <summary>Tells the dispatcher that rows were committed, so that it looks now rather than at its next due time (the lease's holder, when another process holds it).</summary>
    public void Wake()
    {
        if (_lease is not null && !_holding)
        {
            _lease.Notify();
        }

        WakeHere();
    }

    private void WakeHere()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
            catch (ObjectDisposedException)
            {
                // Disposed: a notification from another process arrived while this one stopped.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stopping.Dispose();
        _wake.Dispose();
        _http.Dispose();
    }

    /// <summary>Delivers while this process holds the lease; waits for it again when it is lost.</summary>
    private async Task LeasedAsync(IWebhookDeliveryLease lease, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            CancellationToken held;
            try
            {
                held = await lease.AcquireAsync(WakeHere, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }

            _logger.LogInformation("This process delivers the webhook outbox now (it holds the delivery lease)");
            using var holding = CancellationTokenSource.CreateLinkedTokenSource(stopping, held);
            _holding = true;
            try
            {
                await RunAsync(holding.Token).ConfigureAwait(false);
            }
            finally
            {
                _holding = false;
            }

            if (!stopping.IsCancellationRequested)
            {
                _logger.LogWarning("The webhook delivery lease was lost; this process waits to take it again");
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            DateTimeOffset? next;
            try
            {
                next = await PassAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must outlive a failed pass (a database outage); it is logged and tried again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "A webhook delivery pass failed; trying again in {Seconds} s", _options.FirstRetrySeconds);
                next = _time.GetUtcNow() + TimeSpan.FromSeconds(_options.FirstRetrySeconds);
            }

            Interlocked.Increment(ref _passes);
            var delay = next is { } due ? due - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            if (_lease is not null && (delay == Timeout.InfiniteTimeSpan || delay > LeasedPoll))
            {
                delay = LeasedPoll;
            }

            if (delay == Timeout.InfiniteTimeSpan || delay > TimeSpan.Zero)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                var woken = _wake.WaitAsync(wait.Token);
                var timer = delay == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, wait.Token) : Task.Delay(delay, _time, wait.Token);
                await Task.WhenAny(woken, timer).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                await Ended(woken).ConfigureAwait(false);
                await Ended(timer).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for a wait that was cancelled or completed, observing its cancellation.</summary>
    private static async Task Ended(Task wait)
    {
        try
        {
            await wait.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The other wait ended first, or the host is stopping.
        }
    }

    /// <summary>One pass: every webhook's due rows in order; returns when the next row falls due (null: none is pending).</summary>
    private async Task<DateTimeOffset?> PassAsync(CancellationToken stopping)
    {
        Dictionary<long, WebhookRecord> webhooks;
        var db = _database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            webhooks = await db.Webhooks.AsNoTracking().Where(w => w.Enabled).ToDictionaryAsync(w => w.Id, stopping).ConfigureAwait(false);
        }

        DateTimeOffset? next = null;
        void Due(DateTimeOffset at) => next = next is { } n && n <= at ? n : at;
        foreach (var webhook in webhooks.Values)
        {
            // Each webhook's own oldest rows: one whose receiver is down holds only its own.
            List<WebhookDeliveryRecord> rows;
            db = _database.CreateContext();
            await using (db.ConfigureAwait(false))
            {
                rows = await db.WebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == webhook.Id && d.State == Webhooks.Pending)
                    .OrderBy(d => d.Id).Take(PassSize).ToListAsync(stopping).ConfigureAwait(false);
            }

            var held = false;
            foreach (var row in rows)
            {
                if (row.NextAttemptAt > _time.GetUtcNow())
                {
                    Due(row.NextAttemptAt); // this webhook's later rows wait behind it
                    held = true;
                    break;
                }

                if (await AttemptAsync(webhook, row, stopping).ConfigureAwait(false) is { } retryAt && retryAt != DateTimeOffset.MinValue)
                {
                    Due(retryAt);
                    held = true;
                    break;
                }
            }

            if (!held && rows.Count == PassSize)
            {
                Due(_time.GetUtcNow()); // more rows than one pass reads
            }
        }

        return next;
    }

    /// <summary>POSTs one row and stores the attempt; null when delivered, MinValue when given up (the next rows go on), else when to retry.</summary>
    private async Task<DateTimeOffset?> AttemptAsync(WebhookRecord webhook, WebhookDeliveryRecord row, CancellationToken stopping)
    {
        var body = Encoding.UTF8.GetBytes(row.Payload);
        int? status = null;
        string? error = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.Add(Webhooks.SignatureHeader, Webhooks.Sign(webhook.Secret, body));
            request.Headers.Add(Webhooks.DeliveryHeader, row.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await _http.SendAsync(request, stopping).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"answered {status} {response.ReasonPhrase}";
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException && !stopping.IsCancellationRequested)
        {
            error = ex is TaskCanceledException ? $"no answer within {_options.TimeoutSeconds} s" : ex.Message;
        }

        var now = _time.GetUtcNow();
        var ok = error is null;
        var attempts = row.Attempts + 1;
        var givenUp = !ok && attempts >= _options.MaxAttempts;
        var retryAt = now + _options.RetryAfter(attempts);
        await _writer.ExecuteAsync(async db =>
        {
            var stored = await db.WebhookDeliveries.FindAsync(row.Id).ConfigureAwait(false);
            if (stored is null)
            {
                return; // the webhook was deleted meanwhile
            }

            stored.Attempts = attempts;
            stored.LastStatusCode = status;
            stored.LastError = error is { Length: > 500 } ? error[..500] : error;
            stored.State = ok ? Webhooks.Delivered : givenUp ? Webhooks.Failed : Webhooks.Pending;
            stored.DeliveredAt = ok ? now : null;
            stored.NextAttemptAt = ok || givenUp ? stored.NextAttemptAt : retryAt;
            db.WebhookAttempts.Add(new WebhookAttemptRecord
            {
                DeliveryId = row.Id, WebhookId = webhook.Id, AttemptedAt = now, StatusCode = status, Error = stored.LastError, Succeeded = ok,
            });
        }, CancellationToken.None).ConfigureAwait(false);

        _metrics.WebhookDelivery(ok ? "delivered" : givenUp ? "failed" : "retry");
        if (ok)
        {
            return null;
        }

        if (givenUp)
        {
            _logger.LogWarning("Webhook {WebhookId} delivery {DeliveryId} given up after {Attempts} attempts: {Error}", webhook.Id, row.Id, attempts, error);
            return DateTimeOffset.MinValue;
        }

        _logger.LogInformation("Webhook {WebhookId} delivery {DeliveryId} failed ({Error}); attempt {Attempt} at {RetryAt:O}", webhook.Id, row.Id, error, attempts + 1, retryAt);
        return retryAt;
    }
}
