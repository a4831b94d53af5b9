using System.Net;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Sessions;

/// <summary>
/// The CSMS's own security events (refused handshakes, refused certificates), stored in the security-event log.
/// Recording is cheap and bounded under attack: events are counted in memory by (type, station, address) and written
/// every <see cref="FlushInterval"/> as one row per key with its count, at most <see cref="MaxKeys"/> keys per flush;
/// beyond that they are only counted, in one row without station or address.
/// </summary>
public sealed class SecurityEventLog : IAsyncDisposable
{
    /// <summary>Type of events over <see cref="MaxKeys"/> distinct keys in one flush, counted together.</summary>
    public const string OverflowType = "SecurityEventsCounted";

    /// <summary>Distinct (type, station, address) keys held between two flushes.</summary>
    public const int MaxKeys = 1000;

    /// <summary>How often the counted events are written.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private readonly CsmsWriter _writer;
    private readonly TimeProvider _time;
    private readonly ILogger<SecurityEventLog> _logger;
    private readonly CsmsMetrics? _metrics;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushGate = new(1, 1);
    private readonly ITimer _timer;
    private Dictionary<(string Type, string? StationId, string? Address), SecurityEventRecord> _pending = [];
    private SecurityEventRecord? _overflow;
    private Task _background = Task.CompletedTask;
    private bool _stopped;

    public SecurityEventLog(CsmsWriter writer, TimeProvider time, ILogger<SecurityEventLog> logger, CsmsMetrics? metrics = null)
    {
        _metrics = metrics;
        _writer = writer;
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((SecurityEventLog)state!).FlushInBackground(), this, FlushInterval, FlushInterval);
    }

    /// <summary>
    /// Records an event the CSMS saw; returns whether it is the first of its kind (type, station, address) since the last
    /// flush, so that a caller can log the first and only count the rest.
    /// </summary>
    public bool Record(string type, string? stationId, IPAddress? remoteAddress, string? techInfo)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var now = _time.GetUtcNow();
        var address = remoteAddress?.ToString();
        _metrics?.SecurityEvent(SecurityEventRecord.FromCsms, type, SecurityEventTypes.IsCritical(type));
        lock (_lock)
        {
            if (_pending.TryGetValue((type, stationId, address), out var pending))
            {
                pending.Count++;
                pending.LastAt = now;
                return false;
            }

            if (_pending.Count >= MaxKeys)
            {
                if (_overflow is null)
                {
                    _overflow = New(OverflowType, null, null, $"More than {MaxKeys} distinct security events in {FlushInterval.TotalSeconds:0} s; these were only counted", now);
                }
                else
                {
                    _overflow.Count++;
                    _overflow.LastAt = now;
                }

                return false;
            }

            _pending[(type, stationId, address)] = New(type, stationId, address, techInfo, now);
            return true;
        }
    }

    /// <summary>Writes the events counted so far; the API calls it before reading the log, the host when it stops.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            List<SecurityEventRecord> rows;
            lock (_lock)
            {
                rows = [.. _pending.Values];
                if (_overflow is not null)
                {
                    rows.Add(_overflow);
                }

                _pending = [];
                _overflow = null;
            }

            if (rows.Count == 0)
            {
                return;
            }

            var received = _time.GetUtcNow();
            foreach (var row in rows)
            {
                row.ReceivedAt = received;
            }

            await _writer.ExecuteAsync(db =>
            {
                db.SecurityEvents.AddRange(rows);
                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _flushGate.Release();
        }
    }

    /// <summary>Stops the timer and writes what is left; runs before the writer stops (it depends on it).</summary>
    public async ValueTask DisposeAsync()
    {
        Task background;
        lock (_lock)
        {
            _stopped = true;
            background = _background;
        }

        await _timer.DisposeAsync().ConfigureAwait(false);
        await background.ConfigureAwait(false);
        await FlushLoggedAsync().ConfigureAwait(false);
        _flushGate.Dispose();
    }

    private static SecurityEventRecord New(string type, string? stationId, string? address, string? techInfo, DateTimeOffset now) => new()
    {
        Source = SecurityEventRecord.FromCsms,
        Type = type.Length > 50 ? type[..50] : type,
        Critical = SecurityEventTypes.IsCritical(type),
        StationId = stationId,
        RemoteAddress = address,
        TechInfo = techInfo is { Length: > 255 } ? techInfo[..255] : techInfo,
        Timestamp = now,
        LastAt = now,
        Count = 1,
    };

    // Owned, not fire-and-forget: one flush at a time is kept, awaited when the log is disposed, and logs its failure.
    private void FlushInBackground()
    {
        lock (_lock)
        {
            if (_stopped || !_background.IsCompleted || (_pending.Count == 0 && _overflow is null))
            {
                return;
            }

            _background = FlushLoggedAsync();
        }
    }

    private async Task FlushLoggedAsync()
    {
        try
        {
            await FlushAsync().ConfigureAwait(false);
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            _logger.LogWarning("Security events were not stored: the CSMS is stopping");
        }
#pragma warning disable CA1031 // The security log must never take the process down; the failure is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Could not store security events");
        }
    }
}
