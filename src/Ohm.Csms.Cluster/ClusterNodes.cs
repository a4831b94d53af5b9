using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The nodes of the cluster by the names they write in connection rows and give the station grains (a silo's address
/// with its run's generation): which of them the membership declared dead. A node the membership does not list (yet)
/// is not counted dead: a node that has just joined may reach a grain before that grain's node reads the news.
/// </summary>
public sealed class ClusterNodes(IClusterMembershipService membership)
{
    private Live? _live;

    /// <summary>The name of a node (a silo's address and generation, <c>10.0.0.5:11111@123</c>).</summary>
    public static string NameOf(SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ToParsableString();
    }

    /// <summary>Whether <paramref name="node"/> is a node the cluster has not declared dead.</summary>
    public bool IsLive(string? node) => node is not null && !Current().Dead.Contains(node);

    private Live Current()
    {
        var snapshot = membership.CurrentSnapshot;
        var live = _live;
        if (live is null || live.Version != snapshot.Version)
        {
            var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => NameOf(m.SiloAddress)).ToHashSet(StringComparer.Ordinal);
            _live = live = new Live(snapshot.Version, dead);
        }

        return live;
    }

    private sealed record Live(MembershipVersion Version, HashSet<string> Dead);
}
