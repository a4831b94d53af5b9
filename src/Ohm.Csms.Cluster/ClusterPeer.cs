using Orleans;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>A node as the directory lists it.</summary>
/// <param name="Name">Its <see cref="ClusterNodeName"/>.</param>
/// <param name="Silo">Its silo, whose status in the membership says whether it lives.</param>
/// <param name="Node">Its observer.</param>
[GenerateSerializer]
[Immutable]
public sealed record ClusterPeer([property: Id(0)] string Name, [property: Id(1)] SiloAddress Silo, [property: Id(2)] IClusterNode Node);

/// <summary>The directory's nodes at one moment: <paramref name="Version"/> grows with each change within one activation (<paramref name="Epoch"/>).</summary>
/// <param name="Epoch">The directory activation's id.</param>
/// <param name="Version">The listing's number in that activation.</param>
/// <param name="Peers">The nodes registered.</param>
[GenerateSerializer]
[Immutable]
public sealed record ClusterListing([property: Id(0)] Guid Epoch, [property: Id(1)] long Version, [property: Id(2)] ClusterPeer[] Peers);
