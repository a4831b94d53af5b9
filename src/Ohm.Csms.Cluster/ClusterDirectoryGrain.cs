using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The directory of the cluster's nodes, in memory (<see cref="IClusterDirectoryGrain"/>). A node is dropped when the
/// membership says its silo is dead or leaving, when it leaves, or when it has not registered again for
/// <see cref="StaleAfter"/>. Each change is pushed to the nodes listed, so that a node that joins is known at once.
/// </summary>
[KeepAlive]
public sealed partial class ClusterDirectoryGrain(IClusterMembershipService membership, TimeProvider time, ILogger<ClusterDirectoryGrain> logger)
    : Grain, IClusterDirectoryGrain
{
    /// <summary>How long a node that does not register again stays listed (a few of its periods).</summary>
    public static readonly TimeSpan StaleAfter = ClusterNodeRegistration.Period * 3;

    private readonly Dictionary<string, (ClusterPeer Peer, long SeenAt)> _nodes = new(StringComparer.Ordinal);
    private readonly Guid _epoch = Guid.NewGuid();
    private long _version;

    /// <inheritdoc/>
    public Task<ClusterListing> RegisterAsync(ClusterPeer node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var changed = Prune();
        if (!_nodes.TryGetValue(node.Name, out var known) || !known.Peer.Equals(node))
        {
            changed = true;
        }

        _nodes[node.Name] = (node, time.GetTimestamp());
        var listing = Listing(changed);
        if (changed)
        {
            Push(listing, except: node.Name);
        }

        return Task.FromResult(listing);
    }

    /// <inheritdoc/>
    public Task LeaveAsync(string nodeName)
    {
        var changed = Prune() | _nodes.Remove(nodeName);
        if (changed)
        {
            Push(Listing(changed: true), except: nodeName);
        }

        return Task.CompletedTask;
    }

    private ClusterListing Listing(bool changed)
    {
        if (changed)
        {
            _version++;
        }

        return new ClusterListing(_epoch, _version, [.. _nodes.Values.Select(n => n.Peer)]);
    }

    private bool Prune()
    {
        var snapshot = membership.CurrentSnapshot;
        var now = time.GetTimestamp();
        var gone = _nodes.Where(n => !ClusterPeers.Lives(snapshot, n.Value.Peer.Silo) || time.GetElapsedTime(n.Value.SeenAt, now) > StaleAfter).Select(n => n.Key).ToList();
        foreach (var name in gone)
        {
            _nodes.Remove(name);
            LogDropped(name);
        }

        return gone.Count > 0;
    }

    private void Push(ClusterListing listing, string except)
    {
        foreach (var peer in listing.Peers.Where(p => p.Name != except))
        {
            _ = PushAsync(peer, listing);
        }
    }

    private async Task PushAsync(ClusterPeer peer, ClusterListing listing)
    {
        try
        {
            await peer.Node.PeersAsync(listing).ConfigureAwait(true);
        }
#pragma warning disable CA1031 // A node that cannot be told learns the listing when it registers again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPushFailed(ex, peer.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster directory: node {Node} dropped (dead, leaving or silent)")]
    private partial void LogDropped(string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster directory: node {Node} could not be told of the new listing")]
    private partial void LogPushFailed(Exception exception, string node);
}
