using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The cluster's nodes (one grain, key <see cref="Key"/>): each registers its <see cref="IClusterNode"/> and does again
/// periodically, as the listing lives in memory and is lost when the grain's activation moves. For discovery only:
/// what the nodes tell each other goes from node to node.
/// </summary>
public interface IClusterDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>The one directory's key.</summary>
    const long Key = 0;

    /// <summary>Registers <paramref name="node"/> (again) and returns the listing; the other nodes are told when it changed.</summary>
    Task<ClusterListing> RegisterAsync(ClusterPeer node);

    /// <summary>The node leaves; the others are told.</summary>
    Task LeaveAsync(string nodeName);
}
