using System.Collections.Immutable;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>A cluster membership with no members and no changes, for the cluster's classes tested without a silo.</summary>
internal sealed class EmptyMembership : IClusterMembershipService
{
    public ClusterMembershipSnapshot CurrentSnapshot { get; } = new(ImmutableDictionary<SiloAddress, ClusterMember>.Empty, MembershipVersion.MinValue);

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => AsyncEnumerable.Empty<ClusterMembershipSnapshot>();

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task<bool> TryKill(SiloAddress siloAddress) => Task.FromResult(false);
}
