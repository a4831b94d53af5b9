using Ohm.Csms.Events;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The console's live fleet changes across the cluster: a change published here reaches this node's subscribers at once
/// and is sent to every peer; a change a peer sent is delivered here only (never sent on), so each subscriber anywhere
/// sees each change once.
/// </summary>
public sealed class ClusterFleetChanges(ClusterPeers peers) : IFleetChanges
{
    private readonly InProcessFleetChanges _local = new();

    /// <summary>This node's subscribers now.</summary>
    public int Subscribers => _local.Count;

    /// <inheritdoc/>
    public void Publish(FleetChange change)
    {
        _local.Publish(change);
        peers.Post(FleetChangeWire.Of(change));
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<FleetChange> SubscribeAsync(CancellationToken cancellationToken) => _local.SubscribeAsync(cancellationToken);

    /// <summary>Changes a peer published: to this node's subscribers only.</summary>
    internal void Deliver(IEnumerable<FleetChangeWire> changes)
    {
        foreach (var change in changes)
        {
            _local.Publish(change.ToChange());
        }
    }
}
