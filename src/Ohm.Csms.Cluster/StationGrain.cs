using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The grain of one station: the node that holds its WebSocket, kept in memory while the station is connected (the
/// node registers again when the station reconnects). Reentrant, so that a long call does not hold up a reconnection.
/// Placed on the node that first calls it (the one the station connected to), so that calls from there stay local.
/// </summary>
[Reentrant]
[PreferLocalPlacement]
[KeepAlive]
public sealed partial class StationGrain(ClusterNodes nodes, ILogger<StationGrain> logger) : Grain, IStationGrain
{
    private Holder? _holder;

    /// <inheritdoc/>
    public async Task ConnectedAsync(string nodeName, long connection, IStationNode node)
    {
        var previous = _holder;
        _holder = new Holder(nodeName, connection, node);

        // A station that reconnected to another node: its older connection there is closed, as one node closes the
        // older connection of a station that connects again.
        if (previous is not null && previous.NodeName != nodeName)
        {
            try
            {
                await previous.Node.DisconnectAsync(this.GetPrimaryKeyString(), "Replaced by a newer connection to another CSMS node.").ConfigureAwait(true);
            }
#pragma warning disable CA1031 // The older node may be gone; then its connection is too.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogNodeUnreachable(ex, this.GetPrimaryKeyString(), previous.NodeName);
            }
        }
    }

    /// <inheritdoc/>
    public Task AnnouncedAsync(string nodeName, long connection, IStationNode node)
    {
        // Never displaces a holder: a station that reconnected elsewhere since is held there.
        if (_holder is null || (_holder.NodeName == nodeName && _holder.Connection == connection))
        {
            _holder = new Holder(nodeName, connection, node);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task DisconnectedAsync(string nodeName, long connection)
    {
        if (_holder is { } holder && holder.NodeName == nodeName && holder.Connection == connection)
        {
            _holder = null;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<string?> NodeAsync() => Task.FromResult(Holding()?.NodeName);

    /// <summary>The holder, unless the cluster declared its node dead (then it is forgotten: its stations reconnect elsewhere).</summary>
    private Holder? Holding()
    {
        if (_holder is { } holder && !nodes.IsLive(holder.NodeName))
        {
            Forget(holder);
        }

        return _holder;
    }

    /// <inheritdoc/>
    public async Task<NodeCallOutcome> CallRawAsync(string action, byte[] payload)
    {
        if (Holding() is not { } holder)
        {
            return NodeCallOutcome.NotConnected;
        }

        try
        {
            var outcome = await holder.Node.CallRawAsync(this.GetPrimaryKeyString(), action, payload).ConfigureAwait(true);
            if (outcome.Result == NodeCallResult.NotConnected)
            {
                Forget(holder);
            }

            return outcome;
        }
#pragma warning disable CA1031 // A node that cannot be reached does not hold the station: it is not connected, as on one node.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogNodeUnreachable(ex, this.GetPrimaryKeyString(), holder.NodeName);
            Forget(holder);
            return NodeCallOutcome.NotConnected;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DisconnectAsync(string reason)
    {
        if (Holding() is not { } holder)
        {
            return false;
        }

        try
        {
            return await holder.Node.DisconnectAsync(this.GetPrimaryKeyString(), reason).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // As above: an unreachable node holds nothing.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogNodeUnreachable(ex, this.GetPrimaryKeyString(), holder.NodeName);
            Forget(holder);
            return false;
        }
    }

    private void Forget(Holder holder)
    {
        if (ReferenceEquals(_holder, holder))
        {
            _holder = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The node {Node} that held {StationId} could not be reached; the station counts as not connected")]
    private partial void LogNodeUnreachable(Exception exception, string stationId, string node);

    private sealed record Holder(string NodeName, long Connection, IStationNode Node);
}
