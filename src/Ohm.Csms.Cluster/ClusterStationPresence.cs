using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Tells a station's grain that this node holds its WebSocket (and when it no longer does). The updates of one station
/// are sent in order, one after the other, so that a close never overtakes the open before it.
/// </summary>
public sealed partial class ClusterStationPresence(IGrainFactory grains, LocalStationNode node, StationSessions sessions, ClusterNodeName name, BackgroundWork background, ILogger<ClusterStationPresence> logger)
    : IStationPresence
{
    private readonly ConcurrentDictionary<string, long> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _updates = new(StringComparer.Ordinal);
    private readonly Lock _reference = new();
    private long _lastConnection;
    private IStationNode? _observer;

    /// <inheritdoc/>
    public void OnConnected(string stationId)
    {
        var connection = Interlocked.Increment(ref _lastConnection);
        _connections[stationId] = connection;
        _ = Enqueue(stationId, "registering", () => grains.GetGrain<IStationGrain>(stationId).ConnectedAsync(name.Value, connection, Observer()));
    }

    /// <inheritdoc/>
    public void OnDisconnected(string stationId)
    {
        // A newer connection of the station to this node keeps it here.
        if (sessions.IsConnected(stationId) || !_connections.TryRemove(stationId, out var connection))
        {
            return;
        }

        _ = Enqueue(stationId, "unregistering", () => grains.GetGrain<IStationGrain>(stationId).DisconnectedAsync(name.Value, connection));
    }

    /// <summary>How many stations <see cref="AnnounceAllAsync"/> announces at once.</summary>
    internal const int AnnounceBatch = 256;

    /// <summary>
    /// Tells the grains of every station connected to this node that this node holds it, a batch at a time, in order
    /// with each station's other updates. A grain that knows another holder keeps it (the station moved since); one
    /// that came back empty (it lived on a node that died) learns this node again. Returns how many were announced.
    /// </summary>
    public async Task<int> AnnounceAllAsync(CancellationToken cancellationToken)
    {
        var announced = 0;
        foreach (var batch in _connections.ToArray().Chunk(AnnounceBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var updates = new List<Task>(batch.Length);
            foreach (var (stationId, connection) in batch)
            {
                if (sessions.IsConnected(stationId))
                {
                    updates.Add(Enqueue(stationId, "announcing", () => grains.GetGrain<IStationGrain>(stationId).AnnouncedAsync(name.Value, connection, Observer())));
                }
            }

            await Task.WhenAll(updates).ConfigureAwait(false);
            announced += updates.Count;
        }

        return announced;
    }

    private IStationNode Observer()
    {
        lock (_reference)
        {
            // The reference holds the node weakly; the node is a singleton, so it lives as long as the host.
            return _observer ??= grains.CreateObjectReference<IStationNode>(node);
        }
    }

    /// <summary>The node leaves: its observer reference is deleted before the silo stops.</summary>
    public void Release()
    {
        lock (_reference)
        {
            if (_observer is not null)
            {
                grains.DeleteObjectReference<IStationNode>(_observer);
                _observer = null;
            }
        }
    }

    /// <summary>Runs <paramref name="update"/> after the station's earlier ones; the task ends when it has (it never fails: a failure is logged).</summary>
    private Task Enqueue(string stationId, string what, Func<Task> update)
    {
        lock (_updates)
        {
            var previous = _updates.GetValueOrDefault(stationId, Task.CompletedTask);
            var next = RunAfterAsync(previous, stationId, what, update);
            _updates[stationId] = next;
            background.Start($"Cluster: {what} {stationId}", _ => ForgetWhenDoneAsync(stationId, next));
            return next;
        }
    }

    private async Task RunAfterAsync(Task previous, string stationId, string what, Func<Task> update)
    {
        await previous.ConfigureAwait(false);
        try
        {
            await update().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lost update leaves the grain stale until the station reconnects; logged, never fatal.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogUpdateFailed(ex, what, stationId);
        }
    }

    private async Task ForgetWhenDoneAsync(string stationId, Task update)
    {
        await update.ConfigureAwait(false);
        lock (_updates)
        {
            if (_updates.TryGetValue(stationId, out var last) && last == update)
            {
                _updates.TryRemove(stationId, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: {What} {StationId} in its grain failed")]
    private partial void LogUpdateFailed(Exception exception, string what, string stationId);
}

/// <summary>This node's name in the station grains and its connection rows: its silo's address and port, and the generation of this run (<see cref="ClusterNodes.NameOf"/>).</summary>
public sealed record ClusterNodeName(string Value);
