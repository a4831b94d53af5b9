using System.Text.Json.Serialization;

namespace Ohm.Csms.Sessions;

/// <summary>
/// The CSMS's nodes as an operator sees them: one on a single node; in a cluster every node its membership lists, with
/// its state and the stations it holds.
/// </summary>
public interface ICsmsNodes
{
    /// <summary>The nodes: the live ones first (this node among them), then those that left or died, newest first.</summary>
    Task<IReadOnlyList<CsmsNode>> ListAsync(CancellationToken cancellationToken);
}

/// <summary>A node of the CSMS.</summary>
/// <param name="Name">The name it writes in the connection rows it opens (its silo address and run generation); "local" on one node.</param>
/// <param name="Address">Its silo endpoint (host:port) in a cluster; null on one node.</param>
/// <param name="Status">Its state in the cluster's membership.</param>
/// <param name="ThisNode">Whether it is the node that answered.</param>
/// <param name="ConnectedStations">The stations whose connection it holds (0 for a node that left or died).</param>
public sealed record CsmsNode(string Name, string? Address, CsmsNodeStatus Status, bool ThisNode, int ConnectedStations);

/// <summary>A node's state in the cluster's membership.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CsmsNodeStatus>))]
public enum CsmsNodeStatus
{
    /// <summary>It is joining: not yet serving as a member.</summary>
    Joining,

    /// <summary>It serves.</summary>
    Active,

    /// <summary>It is stopping (a graceful stop): it takes no new stations.</summary>
    ShuttingDown,

    /// <summary>It left, or the others declared it dead.</summary>
    Dead,
}
