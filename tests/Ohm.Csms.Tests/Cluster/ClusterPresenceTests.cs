using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Cluster;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Orleans;
using Orleans.Runtime;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// A station's session facts are the same on every node (the API's and the console's station list and fleet summary),
/// and what a node leaves when it dies (its open connection rows, the grains that lived on it) is cleared by the others.
/// </summary>
public sealed class ClusterPresenceTests
{

    /// <summary>A node declared dead within a few seconds of its silo's end (Orleans' defaults take about half a minute).</summary>
    private static readonly (string Key, string Value)[] QuickDeath =
    [
        ("Cluster:Membership:ProbeTimeout", "00:00:01"),
        ("Cluster:Membership:NumMissedProbesLimit", "2"),
        ("Cluster:Membership:NumVotesForDeathDeclaration", "1"),
        ("Cluster:Membership:TableRefreshTimeout", "00:00:02"),
    ];

    [PostgresFact]
    public async Task Node_2_lists_and_counts_a_station_connected_to_node_1_as_connected_and_shows_when_node_1_last_heard_from_it()
    {
        await using var cluster = await TwoClusterNodes.StartAsync(("Cluster:LastSeenSeconds", "3600")); // stored when the test says
        var (node1, node2) = (cluster.Node1, cluster.Node2);

        await using var station = await node1.BootedStationAsync("CS-PRESENT");
        await node1.RegisterAsync("CS-ABSENT");

        // The API of node 2: the station itself, the list, the fleet's count.
        await UntilAsync(async () => (await node2.GetJsonAsync("api/stations/CS-PRESENT")).GetProperty("online").GetBoolean(), "node 2's API shows the station online");
        var summary = await node2.GetJsonAsync("api/fleet/summary");
        Assert.Equal(2, summary.GetProperty("stationsRegistered").GetInt32());
        Assert.Equal(1, summary.GetProperty("stationsConnected").GetInt32());
        Assert.Equal(1, summary.GetProperty("stationsOffline").GetInt32());
        var list = await node2.GetJsonAsync("api/stations");
        var online = list.GetProperty("items").EnumerateArray().ToDictionary(s => s.GetProperty("id").GetString()!, s => s.GetProperty("online").GetBoolean());
        Assert.True(online["CS-PRESENT"]);
        Assert.False(online["CS-ABSENT"]);

        // The console's list on node 2, sorted by online: the station first, seen no earlier than it connected.
        var queries = node2.App.Services.GetRequiredService<StationQueries>();
        var (rows, total) = await queries.SearchAsync(new StationSearch(null, StationSort.Online, false, 0, 10), CancellationToken.None);
        Assert.Equal(2, total);
        Assert.Equal("CS-PRESENT", rows[0].Station.Id);
        Assert.True(rows[0].Station.Online);
        Assert.NotNull(rows[0].Station.LastSeenAt);
        Assert.False(rows[1].Station.Online);

        // The row names node 1; node 1 answers from its own session.
        var node1Name = node1.App.Services.GetRequiredService<ClusterNodeName>().Value;
        await using (var db = node2.Database.CreateContext())
        {
            var open = await db.Connections.AsNoTracking().SingleAsync(c => c.StationId == "CS-PRESENT" && c.DisconnectedAt == null);
            Assert.Equal(node1Name, open.NodeName);
        }

        var live = await node1.App.Services.GetRequiredService<IStationDirectory>().ReadAsync(["CS-PRESENT"], CancellationToken.None);
        Assert.Equal(node1Name, live.Find("CS-PRESENT")?.Node);

        // "Last seen": node 1 knows when its station last sent something; node 2 shows what node 1 stored of it (every
        // Cluster:LastSeenSeconds), not the connection's opening.
        await station.CallAsync(new Ohm.Ocpp.Messages.HeartbeatRequest());
        var seen = node1.App.Services.GetRequiredService<StationSessions>().Find("CS-PRESENT")!.LastSeenAt!.Value;
        async Task<DateTimeOffset> LastSeenOnNode2Async() => (await node2.GetJsonAsync("api/stations/CS-PRESENT")).GetProperty("lastSeenAt").GetDateTimeOffset();
        Assert.True(await LastSeenOnNode2Async() < seen, "before node 1 stored it, node 2 shows the connection's opening");
        var flush = node1.App.Services.GetRequiredService<LastSeenFlush>();
        Assert.Equal(1, await flush.FlushAsync(CancellationToken.None));
        var shown = await LastSeenOnNode2Async();
        Assert.True(Math.Abs((shown - seen).TotalMilliseconds) < 1, $"node 2 shows {shown:O}, node 1 saw {seen:O}");
        Assert.Equal(0, await flush.FlushAsync(CancellationToken.None)); // nothing new since

        // It leaves node 1: node 2 shows it offline.
        await station.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye");
        await UntilAsync(async () => !(await node2.GetJsonAsync("api/stations/CS-PRESENT")).GetProperty("online").GetBoolean(), "node 2's API shows the station offline");
        Assert.Equal(0, (await node2.GetJsonAsync("api/fleet/summary")).GetProperty("stationsConnected").GetInt32());
    }

    [PostgresFact]
    public async Task When_node_1_dies_node_2_closes_its_connections_and_a_grain_that_lived_there_learns_its_station_again()
    {
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var ports = FreePorts(4);
        var node1 = await CsmsTestHost.StartSharingAsync(database, [.. Node(ports[0], ports[1]), .. QuickDeath]);
        await using var node2 = await CsmsTestHost.StartSharingAsync(database, [.. Node(ports[2], ports[3]), .. QuickDeath]);
        await UntilAsync(() => ActiveNodesAsync(node1, 2), "node 1 sees both nodes");
        await UntilAsync(() => ActiveNodesAsync(node2, 2), "node 2 sees both nodes");
        var node1Silo = node1.App.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var grains1 = node1.App.Services.GetRequiredService<IGrainFactory>();
        var grains2 = node2.App.Services.GetRequiredService<IGrainFactory>();

        // A station on node 1, and stations on node 2 whose grains were activated on node 1 (asked there first).
        await using var doomed = await node1.BootedStationAsync("CS-ON-DEAD-NODE");
        var survivor = "";
        for (var i = 0; i < 4 && survivor.Length == 0; i++)
        {
            var id = $"CS-SURVIVOR-{i}";
            await grains1.GetGrain<IStationGrain>(id).NodeAsync();
            if (await grains1.GetGrain<IManagementGrain>(0).GetActivationAddress(grains1.GetGrain<IStationGrain>(id)) == node1Silo)
            {
                survivor = id;
            }
        }

        Assert.True(survivor.Length > 0, "no station grain was placed on node 1");
        await using var surviving = await node2.BootedStationAsync(survivor);
        var node2Name = node2.App.Services.GetRequiredService<ClusterNodeName>().Value;
        await UntilAsync(async () => await grains2.GetGrain<IStationGrain>(survivor).NodeAsync() == node2Name, "the grain on node 1 knows node 2 holds the survivor");
        await UntilAsync(async () => (await node2.GetJsonAsync("api/stations/CS-ON-DEAD-NODE")).GetProperty("online").GetBoolean(), "node 2 sees the station of node 1");

        // Node 1's silo ends without leaving the cluster (as a killed process's would): node 2 must find out by itself.
        node1.Logs.ExpectError(_ => true);
        await node1.App.Services.GetRequiredService<Silo>().StopAsync(new CancellationToken(canceled: true));

        // Node 2 closes node 1's open rows, once; the station counts as offline everywhere.
        await UntilAsync(async () =>
        {
            await using var db = node2.Database.CreateContext();
            return await db.Connections.AsNoTracking().AnyAsync(c => c.StationId == "CS-ON-DEAD-NODE" && c.DisconnectedAt != null);
        }, "node 2 closed node 1's connection rows");
        Assert.False((await node2.GetJsonAsync("api/stations/CS-ON-DEAD-NODE")).GetProperty("online").GetBoolean());
        var router2 = node2.App.Services.GetRequiredService<IStationCallRouter>();
        await UntilAsync(() => Task.FromResult(!router2.IsConnected("CS-ON-DEAD-NODE")), "node 2's router no longer counts the dead node's station");
        Assert.True(
            node2.Logs.Entries.Any(e => e.Message.StartsWith("Cluster: closed", StringComparison.Ordinal) && e.Message.EndsWith(ClusterNodes.NameOf(node1Silo), StringComparison.Ordinal)),
            "node 2 did not log closing node 1's rows: " + string.Join(" | ", node1.Logs.Entries.Concat(node2.Logs.Entries).Where(e => e.Category.StartsWith("Ohm.Csms.Cluster", StringComparison.Ordinal)).Select(e => e.ToString())));
        Assert.DoesNotContain(node1.Logs.Entries, e => e.Message.StartsWith("Cluster: closed", StringComparison.Ordinal));
        await using (var db = node2.Database.CreateContext())
        {
            Assert.Equal(0, await db.Connections.AsNoTracking().CountAsync(c => c.NodeName == ClusterNodes.NameOf(node1Silo) && c.DisconnectedAt == null));
        }

        // The survivor's grain came back empty on node 2 and was told again where its station is: calls reach it.
        await UntilAsync(async () => await grains2.GetGrain<IStationGrain>(survivor).NodeAsync() == node2Name, "the survivor's grain knows node 2 again");
        Assert.True((await node2.GetJsonAsync($"api/stations/{survivor}")).GetProperty("online").GetBoolean());
        var outcome = await grains2.GetGrain<IStationGrain>(survivor).CallRawAsync("Reset", """{"type":"Immediate"}"""u8.ToArray());
        Assert.NotEqual(NodeCallResult.NotConnected, outcome.Result);
        Assert.Equal(1, (await node2.GetJsonAsync("api/fleet/summary")).GetProperty("stationsConnected").GetInt32());
        Assert.Contains(node2.Logs.Entries, e => e.Message.StartsWith("Cluster: announced", StringComparison.Ordinal));

        await node1.DisposeAsync();
    }

    [PostgresFact]
    public async Task A_restarted_node_closes_the_rows_its_previous_run_left_open()
    {
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var ports = FreePorts(2);
        var left = new ConnectionRecord { StationId = "CS-LEFT-OPEN", ConnectedAt = DateTimeOffset.UtcNow.AddMinutes(-5), NodeName = $"127.0.0.1:{ports[0]}@1" };
        var other = new ConnectionRecord { StationId = "CS-ELSEWHERE", ConnectedAt = DateTimeOffset.UtcNow.AddMinutes(-5), NodeName = $"127.0.0.1:{ports[0] + 1}@1" };

        await using var node = await CsmsTestHost.StartSharingAsync(database, Node(ports[0], ports[1]));
        await using (var db = node.Database.CreateContext())
        {
            db.Connections.AddRange(left, other);
            await db.SaveChangesAsync();
        }

        // The rows came after the node's start check: a restart of it finds them.
        await using var restarted = await node.RestartAsync(Node(ports[0], ports[1]));
        await UntilAsync(async () =>
        {
            await using var db = restarted.Database.CreateContext();
            return await db.Connections.AsNoTracking().AnyAsync(c => c.StationId == "CS-LEFT-OPEN" && c.DisconnectedAt != null);
        }, "the restarted node closed its previous run's row");
        await using (var db = restarted.Database.CreateContext())
        {
            Assert.Null((await db.Connections.AsNoTracking().SingleAsync(c => c.StationId == "CS-ELSEWHERE")).DisconnectedAt);
        }
    }
}
