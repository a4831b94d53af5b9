using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Cluster;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Orleans;
using Orleans.Runtime;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>Two CSMS nodes in cluster mode on one PostgreSQL database: a call sent through either reaches the station wherever it is connected.</summary>
public sealed class TwoNodeClusterTests
{

    [PostgresFact]
    public async Task A_station_on_node_1_answers_calls_sent_through_node_2_as_one_node_would()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);

        // Connected to node 1, Reset through node 2: the answer comes back.
        var resets = 0;
        var handlers = new OcppHandlers().On(OcppActions.Reset, (request, _, _) =>
        {
            Interlocked.Increment(ref resets);
            return ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Scheduled });
        });
        await using var station = await node1.BootedStationAsync("CS-CLUSTER-1", handlers);
        var router2 = node2.App.Services.GetRequiredService<IStationCallRouter>();
        await UntilAsync(() => Task.FromResult(router2.IsConnected("CS-CLUSTER-1")), "node 2 sees the station connected");
        Assert.False(node2.App.Services.GetRequiredService<StationSessions>().IsConnected("CS-CLUSTER-1"));

        var (status, body) = await node2.PostJsonAsync("api/stations/CS-CLUSTER-1/commands/reset", """{"type":"OnIdle"}""");
        Assert.Equal(200, status);
        Assert.Equal("Scheduled", body.GetProperty("status").GetString());
        Assert.Equal(1, resets);

        // A station that answers with a CALLERROR (it has no Reset handler): 502 through node 2, with the station's code.
        await using var bare = await node1.BootedStationAsync("CS-CLUSTER-2");
        await UntilAsync(() => Task.FromResult(router2.IsConnected("CS-CLUSTER-2")), "node 2 sees the second station");
        var (errorStatus, problem) = await node2.PostJsonAsync("api/stations/CS-CLUSTER-2/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(502, errorStatus);
        Assert.Contains("NotSupported", problem.ToString(), StringComparison.Ordinal);

        // Both nodes listed by either, each with the stations it holds.
        var listed = await node2.GetJsonAsync("api/cluster/nodes");
        var (name1, name2) = (node1.App.Services.GetRequiredService<ClusterNodeName>().Value, node2.App.Services.GetRequiredService<ClusterNodeName>().Value);
        Assert.Equal(
            [(name1, "Active", false, 2), (name2, "Active", true, 0)],
            listed.EnumerateArray().Select(n => (n.GetProperty("name").GetString(), n.GetProperty("status").GetString(), n.GetProperty("thisNode").GetBoolean(), n.GetProperty("connectedStations").GetInt32()))
                .OrderBy(n => n.Item1 == name2).ToList());

        // Connected nowhere: node 2 answers what node 1 (and one node) answers.
        await node1.RegisterAsync("CS-CLUSTER-3");
        var (offline1, _) = await node1.PostJsonAsync("api/stations/CS-CLUSTER-3/commands/reset", """{"type":"Immediate"}""");
        var (offline2, _) = await node2.PostJsonAsync("api/stations/CS-CLUSTER-3/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(503, offline1);
        Assert.Equal(offline1, offline2);
        Assert.False(router2.IsConnected("CS-CLUSTER-3"));

        // The station leaves node 1: node 2 no longer reaches it.
        await station.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye");
        await UntilAsync(() => Task.FromResult(!router2.IsConnected("CS-CLUSTER-1")), "node 2 sees the station gone");
        var (gone, _) = await node2.PostJsonAsync("api/stations/CS-CLUSTER-1/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(503, gone);
    }

    [PostgresFact]
    public async Task A_station_that_reconnects_to_node_2_moves_there_its_node_1_connection_closed_and_a_silent_station_times_out_across_nodes()
    {
        await using var cluster = await TwoClusterNodes.StartAsync(("Ocpp:CallTimeoutSeconds", "2"));
        var (node1, node2) = (cluster.Node1, cluster.Node2);

        var answeredOn = "";
        OcppHandlers Answering(string node) => new OcppHandlers().On(OcppActions.Reset, (_, _, _) =>
        {
            answeredOn = node;
            return ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Accepted });
        });
        await using var first = await node1.BootedStationAsync("CS-MOVING", Answering("node 1"));
        var router1 = node1.App.Services.GetRequiredService<IStationCallRouter>();
        var sessions1 = node1.App.Services.GetRequiredService<StationSessions>();
        await using var second = await node2.ConnectAsync("CS-MOVING", Answering("node 2"));

        // The grain now points at node 2, and node 1's older connection was closed for it.
        await UntilAsync(() => Task.FromResult(!first.IsOpen && !sessions1.IsConnected("CS-MOVING") && router1.IsConnected("CS-MOVING")), "the station moved to node 2");
        var (status, body) = await node1.PostJsonAsync("api/stations/CS-MOVING/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(200, status);
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        Assert.Equal("node 2", answeredOn);

        // A station on node 2 that never answers: 504 through node 1, after the call timeout.
        var silent = new OcppHandlers().On(OcppActions.Reset, async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new ResetResponse { Status = ResetStatusEnumType.Accepted };
        });
        await node1.RegisterAsync("CS-SILENT");
        await using var quiet = await node2.ConnectAsync("CS-SILENT", silent);
        await quiet.CallAsync(CsmsTestHost.Boot());
        await UntilAsync(() => Task.FromResult(router1.IsConnected("CS-SILENT")), "node 1 sees the silent station");
        var (timedOut, _) = await node1.PostJsonAsync("api/stations/CS-SILENT/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(504, timedOut);
    }
}
