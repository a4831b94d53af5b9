using Ohm.Csms.Cluster;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>GET /api/cluster/nodes on one node, and how a cluster member's Orleans status reads for an operator.</summary>
public sealed class CsmsNodesApiTests
{
    [Fact]
    public async Task One_node_lists_itself_as_the_local_node_with_the_stations_it_holds()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-NODES-1");

        var node = Assert.Single((await csms.GetJsonAsync("api/cluster/nodes")).EnumerateArray());
        Assert.Equal(LocalCsmsNodes.LocalName, node.GetProperty("name").GetString());
        Assert.Equal("Active", node.GetProperty("status").GetString());
        Assert.True(node.GetProperty("thisNode").GetBoolean());
        Assert.Equal(1, node.GetProperty("connectedStations").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, node.GetProperty("address").ValueKind);
    }

    [Theory]
    [InlineData(SiloStatus.Created, CsmsNodeStatus.Joining)]
    [InlineData(SiloStatus.Joining, CsmsNodeStatus.Joining)]
    [InlineData(SiloStatus.Active, CsmsNodeStatus.Active)]
    [InlineData(SiloStatus.ShuttingDown, CsmsNodeStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping, CsmsNodeStatus.ShuttingDown)]
    [InlineData(SiloStatus.Dead, CsmsNodeStatus.Dead)]
    public void A_members_silo_status_reads_as_a_node_state(SiloStatus silo, CsmsNodeStatus expected) =>
        Assert.Equal(expected, ClusterCsmsNodes.StatusOf(silo));
}
