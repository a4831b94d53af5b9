using Orleans;
using Orleans.Concurrency;

namespace Ohm.Csms.Cluster;

/// <summary>
/// A node of the cluster as its peers see it: the observer it registers with the <see cref="IClusterDirectoryGrain"/>.
/// Peers call it directly with what every node must hear (the directory only tells who the peers are).
/// </summary>
public interface IClusterNode : IGrainObserver
{
    /// <summary>Forgets these id tokens from this node's cache (a change committed on the caller); not sent on.</summary>
    Task EvictIdTokensAsync(IdTokenKey[] tokens);

    /// <summary>Fleet changes published on the caller, in their order, for this node's console.</summary>
    Task FleetChangesAsync(FleetChangeWire[] changes);

    /// <summary>Stored events published on the caller (their JSON, <see cref="Ohm.Csms.Events.EventNotice.ToJson"/>), for this node's live stream.</summary>
    Task EventsAsync(string[] notices);

    /// <summary>Report parts a station connected to the caller sent, stored there, for a wait on this node (its API asked).</summary>
    Task ReportsAsync(ReportWire[] reports);

    /// <summary>The directory's listing changed (a node joined or left).</summary>
    [OneWay]
    Task PeersAsync(ClusterListing listing);
}
