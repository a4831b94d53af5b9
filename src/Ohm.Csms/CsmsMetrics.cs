using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;

namespace Ohm.Csms;

/// <summary>
/// The metrics of the CSMS (meter <c>Ohm.Csms</c>): station connections opened, refused and closed by reason; the
/// writer's batches, commit latency, queue and retries; database errors; stations by registration status; active
/// transactions. docs/metrics.md lists them with their Prometheus names. Tag values are constants, so a station cannot
/// create series at will, and recording allocates nothing.
/// </summary>
public sealed class CsmsMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ohm.Csms";

    private static readonly string[] RegistrationStatuses = ["Accepted", "Pending", "Rejected", "none"];
    private static readonly string[] ErrorKinds = ["update", "database", "timeout", "other"];

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _opened;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _closed;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _commitDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _databaseErrors;
    private readonly Counter<long> _securityEvents;
    private readonly Counter<long> _events;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _webhookDeliveries;
    private int _observing;

    /// <summary>Creates the instruments; <see cref="Observe"/> adds the gauges.</summary>
    public CsmsMetrics()
    {
        _opened = _meter.CreateCounter<long>("ohm.csms.connections.opened", "{connection}", "Station connections opened (WebSocket upgraded and admitted).");
        _refused = _meter.CreateCounter<long>("ohm.csms.connections.refused", "{connection}", "Station handshakes refused, by reason.");
        _closed = _meter.CreateCounter<long>("ohm.csms.connections.closed", "{connection}", "Station connections closed, by reason.");
        _batchSize = _meter.CreateHistogram(
            "ohm.csms.writer.batch.size", "{write}", "Pieces of work per committed batch of the writer.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1024] });
        _commitDuration = _meter.CreateHistogram(
            "ohm.csms.writer.commit.duration", "s", "Time to run, save and commit one batch of the writer.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _retries = _meter.CreateCounter<long>("ohm.csms.writer.retries", "{write}", "Pieces of work run again alone after their batch failed.");
        _databaseErrors = _meter.CreateCounter<long>("ohm.csms.database.errors", "{error}", "Failed database transactions and probes, by kind (update, database, timeout, other).");
        _events = _meter.CreateCounter<long>("ohm.csms.events", "{event}", "Events stations reported (NotifyEvent, N07/N08), by trigger (Alerting, Delta, Periodic).");
        _alerts = _meter.CreateCounter<long>("ohm.csms.alerts", "{alert}", "Alerts opened and cleared, by change (opened, cleared).");
        _webhookDeliveries = _meter.CreateCounter<long>("ohm.csms.webhooks.deliveries", "{attempt}", "Webhook delivery attempts, by outcome (delivered, retry, failed: given up).");
        _securityEvents = _meter.CreateCounter<long>("ohm.csms.security_events", "{event}", "Security events, by source (Csms, Station), type (known types; other) and critical.");
    }

    /// <summary>A station connection was opened.</summary>
    public void ConnectionOpened() => _opened.Add(1);

    /// <summary>A station handshake was refused; <paramref name="reason"/> is one of <see cref="RefusalReasons"/>.</summary>
    public void ConnectionRefused(string reason) => _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A station connection closed; <paramref name="reason"/> is one of <see cref="CloseReasons"/>.</summary>
    public void ConnectionClosed(string reason) => _closed.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A04: a security event was recorded (by the CSMS) or received (from a station).</summary>
    public void SecurityEvent(string source, string type, bool critical) => _securityEvents.Add(
        1,
        new KeyValuePair<string, object?>("source", source),
        new KeyValuePair<string, object?>("type", SecurityEventTypes.MetricTag(type)),
        new KeyValuePair<string, object?>("critical", critical ? "true" : "false"));

    /// <summary>N07, N08: a station reported an event; <paramref name="trigger"/> is Alerting, Delta or Periodic.</summary>
    public void EventReceived(string trigger) => _events.Add(1, new KeyValuePair<string, object?>("trigger", trigger switch
    {
        "Alerting" or "Delta" or "Periodic" => trigger,
        _ => "other",
    }));

    /// <summary>N07: an alert opened (<paramref name="opened"/>) or cleared.</summary>
    public void AlertChanged(bool opened) => _alerts.Add(1, new KeyValuePair<string, object?>("change", opened ? "opened" : "cleared"));

    /// <summary>A webhook delivery attempt ended; <paramref name="outcome"/> is delivered, retry or failed.</summary>
    public void WebhookDelivery(string outcome) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal void BatchCommitted(int pieces, TimeSpan duration)
    {
        _batchSize.Record(pieces);
        _commitDuration.Record(duration.TotalSeconds);
    }

    internal void WriteRetried() => _retries.Add(1);

    /// <summary>Counts a failed database round trip, by the kind of its exception.</summary>
    public void DatabaseError(Exception exception) => _databaseErrors.Add(1, new KeyValuePair<string, object?>("kind", ErrorKind(exception)));

    /// <summary>The <c>kind</c> tag of a database error.</summary>
    public static string ErrorKind(Exception exception) => exception switch
    {
        TimeoutException or OperationCanceledException => "timeout",
        DbUpdateException => "update",
        DbException => "database",
        { InnerException: TimeoutException } => "timeout",
        { InnerException: DbException } => "database",
        _ => "other",
    };

    /// <summary>
    /// Adds the gauges that read live state: connected stations, stations by registration status, the writer's queue and
    /// the age of its oldest pending write, and active transactions. The host calls it once, after the meter provider
    /// that exports them exists.
    /// </summary>
    public void Observe(StationSessions sessions, CsmsWriter writer, ActiveTransactionCount activeTransactions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(activeTransactions);
        if (Interlocked.Exchange(ref _observing, 1) != 0)
        {
            return;
        }

        _meter.CreateObservableGauge("ohm.csms.stations.connected", () => sessions.Count, "{station}", "Stations connected now.");
        _meter.CreateObservableGauge("ohm.csms.stations.by_registration", () => ByRegistration(sessions), "{station}", "Connected stations by registration status (Accepted, Pending, Rejected; none before a BootNotification of an unaccepted station).");
        _meter.CreateObservableGauge("ohm.csms.writer.queue.depth", () => writer.Queued, "{write}", "Writes queued to the writer and not yet taken into a batch.");
        _meter.CreateObservableGauge("ohm.csms.writer.oldest_pending.age", () => writer.OldestPendingAge.TotalSeconds, "s", "Age of the oldest write queued or in a running batch; 0 when the writer is idle.");
        _meter.CreateObservableGauge("ohm.csms.transactions.active", () => ActiveTransactions(activeTransactions), "{transaction}", "Transactions stored as active, of connected and disconnected stations (refreshed at most every Health:ActiveTransactionsRefreshSeconds).");

        // The counters an operator alerts on when they rise exist from the start at 0, so that a rate over them is
        // defined before the first error (and a dashboard shows 0, not "no data").
        _retries.Add(0);
        foreach (var kind in ErrorKinds)
        {
            _databaseErrors.Add(0, new KeyValuePair<string, object?>("kind", kind));
        }
    }

    private static IEnumerable<Measurement<long>> ActiveTransactions(ActiveTransactionCount count) =>
        count.Current() is { } value ? [new Measurement<long>(value)] : [];

    private static Measurement<int>[] ByRegistration(StationSessions sessions)
    {
        Span<int> counts = stackalloc int[RegistrationStatuses.Length];
        foreach (var session in sessions.All)
        {
            var index = session.RegistrationStatus switch
            {
                "Accepted" => 0,
                "Pending" => 1,
                "Rejected" => 2,
                _ => 3,
            };
            counts[index]++;
        }

        var measurements = new Measurement<int>[RegistrationStatuses.Length];
        for (var i = 0; i < measurements.Length; i++)
        {
            measurements[i] = new Measurement<int>(counts[i], new KeyValuePair<string, object?>("status", RegistrationStatuses[i]));
        }

        return measurements;
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}

/// <summary>The <c>reason</c> tag values of <c>ohm.csms.connections.refused</c>.</summary>
public static class RefusalReasons
{
    /// <summary>The station identity is not registered (and unknown stations are not accepted).</summary>
    public const string Unknown = "unknown";

    /// <summary>The station is disabled by an operator.</summary>
    public const string Disabled = "disabled";

    /// <summary>The registration has no credentials (profile 0, no password, auto-registered) outside development mode.</summary>
    public const string NoCredentials = "no_credentials";

    /// <summary>The station sent no password but its profile needs one.</summary>
    public const string NoPassword = "no_password";

    /// <summary>The station's password is wrong.</summary>
    public const string WrongPassword = "wrong_password";

    /// <summary>The connection has a lower security profile than the registration (no TLS for profile 2 or 3).</summary>
    public const string ProfileTooLow = "profile_too_low";

    /// <summary>Profile 3 without a client certificate naming the station.</summary>
    public const string BadCertificate = "bad_certificate";

    /// <summary>Answered 429: too many failed handshakes from the address or for the identity.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The handshake offered no supported WebSocket subprotocol (ocpp2.0.1).</summary>
    public const string BadSubprotocol = "bad_subprotocol";

    /// <summary>The station identity in the URL is not a valid identity.</summary>
    public const string BadIdentity = "bad_identity";

    /// <summary>The CSMS is not ready yet (migrations are running).</summary>
    public const string NotReady = "not_ready";
}

/// <summary>The <c>reason</c> tag values of <c>ohm.csms.connections.closed</c>.</summary>
public static class CloseReasons
{
    /// <summary>The station sent a close frame.</summary>
    public const string StationClosed = "station_closed";

    /// <summary>The station connected again; this older connection was closed.</summary>
    public const string Replaced = "replaced";

    /// <summary>Closed for want of a BootNotification within Csms:BootDeadlineSeconds.</summary>
    public const string NoBoot = "no_boot";

    /// <summary>Closed through the API (disabled or disconnected by an operator).</summary>
    public const string ByOperator = "by_operator";

    /// <summary>The CSMS was stopping.</summary>
    public const string ServerShutdown = "server_shutdown";

    /// <summary>The station broke OCPP-J framing (a binary or too large message); closed with 1003 or 1009.</summary>
    public const string ProtocolError = "protocol_error";

    /// <summary>The station did not take a message within the send timeout; aborted.</summary>
    public const string SendTimeout = "send_timeout";

    /// <summary>No pong within the WebSocket keep-alive timeout.</summary>
    public const string KeepAliveTimeout = "keepalive_timeout";

    /// <summary>The connection failed without a close handshake (reset, network lost).</summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>Closed by this CSMS for another reason.</summary>
    public const string ClosedByCsms = "closed_by_csms";
}
