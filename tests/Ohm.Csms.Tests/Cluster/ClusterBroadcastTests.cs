using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Cluster;
using Ohm.Csms.Events;
using Ohm.Csms.Storage;
using Ohm.Csms.Tests.Events;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>What every node of a cluster must hear at once: id-token evictions, the console's fleet changes, the live event stream.</summary>
public sealed class ClusterBroadcastTests
{

    [PostgresFact]
    public async Task A_token_blocked_through_node_2s_API_is_refused_by_Authorize_on_node_1_at_once()
    {
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var ports = FreePorts(4);
        await using var node1 = await CsmsTestHost.StartSharingAsync(database, Node(ports[0], ports[1]));
        await using var node2 = await CsmsTestHost.StartSharingAsync(database, Node(ports[2], ports[3]));
        await PeersAsync(node1, node2);

        await node1.AddTokenAsync(new { idToken = "TOKEN-CLUSTER", type = "ISO14443" });
        await using var station = await node1.BootedStationAsync("CS-TOKEN");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await AuthorizeAsync(station));

        // Changed behind the caches' back (no EF save, so no eviction): node 1 still answers from its cache.
        var db = node1.App.Services.GetRequiredService<CsmsDatabase>().CreateContext();
        await using (db)
        {
            await db.IdTokens.Where(t => t.IdToken == "TOKEN-CLUSTER").ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, AuthorizationStatusEnumType.Invalid));
        }

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await AuthorizeAsync(station));

        // Blocked through node 2: once the API has answered, node 1's very next Authorize reads the token anew.
        var id = (await node2.Api.GetFromJsonAsync<System.Text.Json.JsonElement>("api/id-tokens")).GetProperty("items")[0].GetProperty("id").GetInt64();
        var response = await node2.Api.PutAsJsonAsync($"api/id-tokens/{id}", new { status = "Blocked" });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await AuthorizeAsync(station));

        // Removed through node 2: node 1 no longer knows it either.
        Assert.Equal(HttpStatusCode.NoContent, (await node2.Api.DeleteAsync($"api/id-tokens/{id}")).StatusCode);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await AuthorizeAsync(station));
    }

    [PostgresFact]
    public async Task Subscribers_on_node_2_see_a_station_connected_to_node_1_connect_boot_change_status_and_report_an_event_each_once()
    {
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var ports = FreePorts(4);
        await using var node1 = await CsmsTestHost.StartSharingAsync(database, Node(ports[0], ports[1]));
        await using var node2 = await CsmsTestHost.StartSharingAsync(database, Node(ports[2], ports[3]));
        await PeersAsync(node1, node2);

        using var stop = new CancellationTokenSource();
        var changes1 = Collect(node1.App.Services.GetRequiredService<IFleetChanges>().SubscribeAsync(stop.Token));
        var changes2 = Collect(node2.App.Services.GetRequiredService<IFleetChanges>().SubscribeAsync(stop.Token));
        var events2 = Collect(node2.App.Services.GetRequiredService<IEventFanOut>().SubscribeAsync(stop.Token));
        await UntilAsync(() => Task.FromResult(node1.App.Services.GetRequiredService<ClusterFleetChanges>().Subscribers == 1
            && node2.App.Services.GetRequiredService<ClusterFleetChanges>().Subscribers == 1
            && node2.App.Services.GetRequiredService<ClusterEventFanOut>().Subscribers == 1), "the subscribers subscribed");

        await using var station = await node1.BootedStationAsync("CS-LIVE");
        await station.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Occupied, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: null, DateTimeOffset.UtcNow));

        FleetChangeKind[] expected = [FleetChangeKind.Connected, FleetChangeKind.Booted, FleetChangeKind.ConnectorStatus];
        await UntilAsync(() => Task.FromResult(changes2.Items.Count(c => c.StationId == "CS-LIVE") >= 3 && !events2.Items.IsEmpty), "node 2 sees the changes and the event");

        // Each once, on node 2; on node 1 (published there, delivered there without a round trip), not echoed back. The
        // Connected change is published once the connection's row is stored, which may come after the boot's: those two
        // in either order, the connector's status after both.
        Assert.Equal(expected, InPublishedOrder(changes2.Items.Where(c => c.StationId == "CS-LIVE").Select(c => c.Kind)));
        Assert.Equal("Occupied", changes2.Items.Single(c => c.Kind == FleetChangeKind.ConnectorStatus).Status);
        var notice = Assert.Single(events2.Items);
        Assert.Equal(("CS-LIVE", "85"), (notice.StationId, notice.ActualValue));
        Assert.Equal(expected, InPublishedOrder(changes1.Items.Where(c => c.StationId == "CS-LIVE").Select(c => c.Kind)));

        // The station leaves node 1: node 2's console sees it go.
        await station.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye");
        await UntilAsync(() => Task.FromResult(changes2.Items.Any(c => c.Kind == FleetChangeKind.Disconnected)), "node 2 sees the station disconnect");
        Assert.Equal([.. expected, FleetChangeKind.Disconnected], InPublishedOrder(changes2.Items.Where(c => c.StationId == "CS-LIVE").Select(c => c.Kind)));
        await stop.CancelAsync();
        await Task.WhenAll(changes1.Reading, changes2.Reading, events2.Reading);
    }

    private static async Task<AuthorizationStatusEnumType> AuthorizeAsync(Ohm.Ocpp.Rpc.OcppConnection station) =>
        (await station.CallAsync(new AuthorizeRequest { IdToken = new IdTokenType { IdToken = "TOKEN-CLUSTER", Type = IdTokenEnumType.ISO14443 } })).IdTokenInfo.Status;

    private static Collected<T> Collect<T>(IAsyncEnumerable<T> items)
    {
        var queue = new ConcurrentQueue<T>();
        async Task ReadAsync()
        {
            await foreach (var item in items)
            {
                queue.Enqueue(item);
            }
        }

        return new Collected<T>(queue, Task.Run(ReadAsync));
    }

    private sealed record Collected<T>(ConcurrentQueue<T> Items, Task Reading);

    /// <summary>The kinds as received, with a leading Booted/Connected pair put in the order Connected, Booted.</summary>
    private static FleetChangeKind[] InPublishedOrder(IEnumerable<FleetChangeKind> kinds)
    {
        var list = kinds.ToArray();
        if (list is [FleetChangeKind.Booted, FleetChangeKind.Connected, ..])
        {
            (list[0], list[1]) = (list[1], list[0]);
        }

        return list;
    }
}
