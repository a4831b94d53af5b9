using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Cluster mode: every <see cref="ClusterSettings.LastSeenSeconds"/> (by the injected clock) this node stores in the
/// station rows when each of its stations last sent a message, for the stations that sent one since the last store.
/// The other nodes read "last seen" of a station held here from that row (a node knows only its own sessions' times),
/// so it is at most that old there. One statement per few thousand stations, through the writer; a row already later
/// (a disconnection stored meanwhile) is left as it is.
/// </summary>
public sealed partial class LastSeenFlush(StationSessions sessions, CsmsWriter writer, ClusterSettings settings, TimeProvider time, ILogger<LastSeenFlush> logger)
    : BackgroundService
{
    /// <summary>Stations per statement.</summary>
    internal const int Chunk = 4096;

    private const string Update = """
        UPDATE "Stations" AS s SET "LastSeenAt" = v.seen
        FROM unnest(@ids, @seen) AS v(id, seen)
        WHERE s."Id" = v.id AND (s."LastSeenAt" IS NULL OR s."LastSeenAt" < v.seen)
        """;

    private readonly Dictionary<string, DateTimeOffset> _stored = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(settings.LastSeenSeconds);
        try
        {
            while (true)
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The next round stores what this one could not (the times only move forward).
                    LogFlushFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node stops; its disconnections store the last times.
        }
    }

    /// <summary>Stores the last-seen time of this node's stations that sent something since the last store; returns how many.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var due = new List<(string Id, DateTimeOffset Seen)>();
            var connected = new HashSet<string>(StringComparer.Ordinal);
            foreach (var session in sessions.All)
            {
                connected.Add(session.StationId);
                if (session.LastSeenAt is { } seen && (!_stored.TryGetValue(session.StationId, out var stored) || stored < seen))
                {
                    due.Add((session.StationId, seen.ToUniversalTime()));
                }
            }

            foreach (var chunk in due.Chunk(Chunk))
            {
                var ids = chunk.Select(d => d.Id).ToArray();
                var seen = chunk.Select(d => d.Seen).ToArray();
                await writer.ExecuteAsync(db => db.Database.ExecuteSqlRawAsync(
                    Update,
                    new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids },
                    new NpgsqlParameter("seen", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = seen }), cancellationToken).ConfigureAwait(false);
                foreach (var (id, at) in chunk)
                {
                    _stored[id] = at;
                }
            }

            // Stations gone from this node: their disconnection stored their time; a later return starts afresh.
            foreach (var gone in _stored.Keys.Where(id => !connected.Contains(id)).ToList())
            {
                _stored.Remove(gone);
            }

            return due.Count;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _one.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: storing the last-seen times of this node's stations failed; the next round tries again")]
    private partial void LogFlushFailed(Exception exception);
}
