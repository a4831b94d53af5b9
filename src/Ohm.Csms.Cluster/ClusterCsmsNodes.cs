using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The nodes of cluster mode: the members of the Orleans membership (live, stopping, dead), each with the stations it
/// holds: this node's from its own sessions, the others' from their open connection rows (one grouped query).
/// </summary>
public sealed class ClusterCsmsNodes(IClusterMembershipService membership, CsmsDatabase database, StationSessions sessions, ClusterNodeName name) : ICsmsNodes
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<CsmsNode>> ListAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, int> held;
        using (var db = database.CreateContext())
        {
            held = await db.Connections.AsNoTracking().Where(c => c.DisconnectedAt == null && c.NodeName != null)
                .GroupBy(c => c.NodeName!).Select(g => new { Node = g.Key, Count = g.Count() })
                .ToDictionaryAsync(g => g.Node, g => g.Count, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        }

        var mine = name.Value;
        var nodes = membership.CurrentSnapshot.Members.Values.Select(member =>
        {
            var node = ClusterNodes.NameOf(member.SiloAddress);
            var status = StatusOf(member.Status);
            var count = node == mine ? sessions.Count : status == CsmsNodeStatus.Dead ? 0 : held.GetValueOrDefault(node);
            return (Generation: member.SiloAddress.Generation, Node: new CsmsNode(node, member.SiloAddress.Endpoint.ToString(), status, node == mine, count));
        });

        return [.. nodes.OrderBy(n => n.Node.Status == CsmsNodeStatus.Dead).ThenByDescending(n => n.Node.Status == CsmsNodeStatus.Dead ? n.Generation : 0)
            .ThenBy(n => n.Node.Address, StringComparer.Ordinal).Select(n => n.Node)];
    }

    /// <summary>The node state an operator reads for an Orleans silo status.</summary>
    internal static CsmsNodeStatus StatusOf(SiloStatus status) => status switch
    {
        SiloStatus.Active => CsmsNodeStatus.Active,
        SiloStatus.ShuttingDown or SiloStatus.Stopping => CsmsNodeStatus.ShuttingDown,
        SiloStatus.Dead => CsmsNodeStatus.Dead,
        _ => CsmsNodeStatus.Joining, // Created, Joining, None
    };
}
