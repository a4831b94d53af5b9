using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Server.Api;

/// <summary>The CSMS's nodes (issue 16): one on a single node; in a cluster each member, its state and the stations it holds.</summary>
internal static class ClusterApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/cluster/nodes", ListAsync).WithTags("Cluster").WithName("getClusterNodes")
            .WithSummary("The CSMS's nodes: live ones first (thisNode is the one that answered), then those that left or died, newest first; each with the stations it holds")
            .WithDescription("On one node: a single node named 'local'. In a cluster: the members of its membership (kept in PostgreSQL); a node killed without leaving "
                + "stays Active until the others declare it dead (Cluster:Membership). connectedStations counts the open connections it holds (this node's from memory).");
    }

    private static async Task<Ok<IReadOnlyList<CsmsNode>>> ListAsync(ICsmsNodes nodes, CancellationToken ct) =>
        TypedResults.Ok(await nodes.ListAsync(ct).ConfigureAwait(false));
}
