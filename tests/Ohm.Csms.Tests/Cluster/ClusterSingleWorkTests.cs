using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Events;
using Ohm.Csms.Sites;
using Ohm.Csms.Tests.Events;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Orleans;
using Orleans.Runtime;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// Work that must run once in a cluster, with two nodes on one PostgreSQL database: a site's balance (one place for the
/// site, whichever node holds its stations), a firmware campaign (one advance at a time), webhook delivery (one node).
/// </summary>
public sealed class ClusterSingleWorkTests
{

    [PostgresFact]
    public async Task A_site_balancer_with_stations_on_two_nodes_keeps_the_site_under_its_limit()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);
        var computed = new int[2];
        node1.App.Services.GetRequiredService<SiteBalancer>().Computed += _ => Interlocked.Increment(ref computed[0]);
        node2.App.Services.GetRequiredService<SiteBalancer>().Computed += _ => Interlocked.Increment(ref computed[1]);

        // One site of 32 A per phase, one station on each node.
        Assert.Equal(HttpStatusCode.Created, (await node1.Api.PostAsJsonAsync("api/sites", new { id = "depot", name = "Depot", limit = 32, limitUnit = "A" })).StatusCode);
        await node1.RegisterAsync("CS-SITE-1");
        await node1.RegisterAsync("CS-SITE-2");
        Assert.True((await node1.Api.PutAsJsonAsync("api/sites/depot/members", new[] { new { stationId = "CS-SITE-1", evseCount = 1 }, new { stationId = "CS-SITE-2", evseCount = 1 } })).IsSuccessStatusCode);
        var profiles = new ProfileLog();
        await using var station1 = await node1.BootedStationAsync("CS-SITE-1", profiles.Handlers("CS-SITE-1"));
        await using var station2 = await node2.BootedStationAsync("CS-SITE-2", profiles.Handlers("CS-SITE-2"));

        // Both charge: the TxProfiles they hold never sum to more than the site's limit, and both get a share.
        await station1.CallAsync(TransactionTests.Event("TX-SITE-1", 0, TransactionEventEnumType.Started, energyWh: 0, state: ChargingStateEnumType.Charging));
        await UntilAsync(() => Task.FromResult(profiles.Limit("CS-SITE-1") > 0), "station 1 gets a TxProfile");
        await station2.CallAsync(TransactionTests.Event("TX-SITE-2", 0, TransactionEventEnumType.Started, energyWh: 0, state: ChargingStateEnumType.Charging));
        await UntilAsync(() => Task.FromResult(profiles.Limit("CS-SITE-2") > 0 && profiles.Limit("CS-SITE-1") + profiles.Limit("CS-SITE-2") <= 32m), "both share the site");
        Assert.True(profiles.Limit("CS-SITE-1") >= 6m && profiles.Limit("CS-SITE-2") >= 6m, profiles.ToString());

        // The transaction on node 1 ends: the station on node 2 is given what it freed.
        var shared = profiles.Limit("CS-SITE-2");
        profiles.Ended("CS-SITE-1"); // its TxProfile ends with its transaction
        await station1.CallAsync(TransactionTests.Event("TX-SITE-1", 1, TransactionEventEnumType.Ended, energyWh: 100));
        await UntilAsync(() => Task.FromResult(profiles.Limit("CS-SITE-2") > shared), "station 2 gets more once station 1 stopped");
        Assert.Equal(32m, profiles.Limit("CS-SITE-2"));
        Assert.Equal(0m, profiles.Limit("CS-SITE-1"));
        Assert.True(profiles.MaxSum <= 32m, profiles.ToString());

        // Station 2 goes offline while charging: within offlineFallbackSeconds it counts with its last allocation, which
        // only the memory of the site's balance knows (when it left); both nodes' allocation views are computed there.
        await station2.DisposeAsync();
        foreach (var node in new[] { node1, node2 })
        {
            await UntilAsync(() => EvseStateAsync(node, "CS-SITE-2", "Offline"), "station 2 offline in the view");
            var view = await node.Api.GetFromJsonAsync<JsonElement>("api/sites/depot/allocation");
            var evse = view.GetProperty("evses").EnumerateArray().Single(e => e.GetProperty("stationId").GetString() == "CS-SITE-2");
            Assert.Equal(32m, evse.GetProperty("allocated").GetDecimal());
        }

        // All of it was computed in one place: the site's grain, on one of the nodes.
        Assert.True(computed[0] == 0 ^ computed[1] == 0, $"computed on node 1: {computed[0]}, on node 2: {computed[1]}");
    }

    [PostgresFact]
    public async Task A_firmware_campaign_over_stations_on_two_nodes_sends_each_station_one_UpdateFirmware_and_respects_maxConcurrent()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);

        // Four stations, two on each node, in a campaign of two at once started through node 2.
        var fleet = new CampaignFleet();
        var stations = new List<(string Id, OcppConnection Connection)>();
        for (var i = 1; i <= 4; i++)
        {
            var id = $"CS-CAMP-{i}";
            stations.Add((id, await (i % 2 == 1 ? node1 : node2).BootedStationAsync(id, fleet.Handlers(id))));
        }

        var registered = await node1.Api.PostAsJsonAsync("api/firmware", new { version = "2.0.0", location = "https://firmware.example/ohm-2.0.0.bin" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var firmwareId = JsonDocument.Parse(await registered.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var (status, campaign) = await node2.PostJsonAsync("api/firmware-campaigns",
            JsonSerializer.Serialize(new { name = "cluster", firmwareId, stationIds = stations.Select(s => s.Id), maxConcurrent = 2, maxFailurePercent = 0 }));
        Assert.Equal(201, status);
        var campaignId = campaign.GetProperty("id").GetInt64();

        // Each station that installs frees its place for the next, whichever node it is on.
        for (var done = 0; done < 4; done++)
        {
            var expected = Math.Min(4, done + 2);
            await UntilAsync(() => Task.FromResult(fleet.Received == expected), $"{expected} stations were sent their update");
            var (id, requestId) = fleet.Next();
            var connection = stations.Single(s => s.Id == id).Connection;
            fleet.Finishing(id);
            await connection.CallAsync(new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Downloading, RequestId = requestId });
            await connection.CallAsync(new FirmwareStatusNotificationRequest { Status = FirmwareStatusEnumType.Installed, RequestId = requestId });
        }

        await UntilAsync(async () => (await node1.GetJsonAsync($"api/firmware-campaigns/{campaignId}")).GetProperty("state").GetString() == "Completed", "the campaign completes");
        await node1.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        await node2.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        Assert.All(stations, s => Assert.Equal(1, fleet.ReceivedBy(s.Id)));
        Assert.True(fleet.MaxInProgress <= 2, $"{fleet.MaxInProgress} stations were updating at once");
    }

    [PostgresFact]
    public async Task A_webhook_receives_each_event_once_with_two_nodes_and_another_node_delivers_once_the_first_stopped()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        var ports = FreePorts(4);
        var node1 = await CsmsTestHost.StartSharingAsync(database, Node(ports[0], ports[1]));
        var node2 = await CsmsTestHost.StartSharingAsync(database, Node(ports[2], ports[3]));
        var stopped = (CsmsTestHost?)null;
        try
        {
            var created = await node1.Api.PostAsJsonAsync("api/webhooks", new { url = receiver.Url.ToString(), description = "cluster" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            await using var station1 = await node1.BootedStationAsync("CS-HOOK-1");
            await using var station2 = await node2.BootedStationAsync("CS-HOOK-2");
            var dispatchers = new[] { node1, node2 }.Select(n => n.App.Services.GetRequiredService<WebhookDispatcher>()).ToList();
            await UntilAsync(() => Task.FromResult(dispatchers.Count(d => d.Delivering) == 1), "one node delivers");

            // Events stored on both nodes: each reaches the receiver once.
            var at = DateTimeOffset.UtcNow;
            for (var i = 1; i <= 4; i++)
            {
                await station1.CallAsync(EventsOut.Event(100 + i, "85", cleared: false, monitorId: null, at));
                await station2.CallAsync(EventsOut.Event(200 + i, "85", cleared: false, monitorId: null, at));
            }

            await UntilAsync(() => Task.FromResult(receiver.Taken.Count >= 8), "the eight deliveries");
            Assert.True(dispatchers.Count(d => d.Delivering) == 1, "still one node delivers");

            // The node that delivers stops: the other takes over, and delivers what is written on it from then on.
            var holder = dispatchers[0].Delivering ? node1 : node2;
            var other = holder == node1 ? node2 : node1;
            var otherStation = holder == node1 ? station2 : station1;
            ExpectStopNoise(holder);
            await holder.DisposeAsync();
            stopped = holder;
            var survivor = other.App.Services.GetRequiredService<WebhookDispatcher>();
            await UntilAsync(() => Task.FromResult(survivor.Delivering), "the other node takes the delivery over");
            await otherStation.CallAsync(EventsOut.Event(300, "90", cleared: false, monitorId: null, at));
            await UntilAsync(() => Task.FromResult(receiver.Taken.Count >= 9), "the delivery after the take-over");
            await UntilAsync(async () => await PendingAsync(other) == 0, "every row marked delivered");

            var deliveries = receiver.Taken.Select(t => t.Delivery).ToList();
            Assert.Equal(9, deliveries.Count);
            Assert.Equal(9, deliveries.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            foreach (var node in new[] { node1, node2 }.Where(n => n != stopped))
            {
                ExpectStopNoise(node);
                await node.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task A_local_list_changed_through_node_2_reaches_a_station_on_node_1_once_per_change()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);
        await node2.AddTokenAsync(new { idToken = "A", type = "ISO14443", groupIdToken = "FLEET" });
        await node2.AddTokenAsync(new { idToken = "B", type = "ISO14443", groupIdToken = "FLEET" });
        var sent = new ConcurrentQueue<string>();
        var version = 0;
        var handlers = new OcppHandlers()
            .On(OcppActions.GetLocalListVersion, (_, _, _) => ValueTask.FromResult(new GetLocalListVersionResponse { VersionNumber = Volatile.Read(ref version) }))
            .On(OcppActions.SendLocalList, (request, _, _) =>
            {
                sent.Enqueue($"{request.UpdateType} {request.VersionNumber}: " + string.Join(",", (request.LocalAuthorizationList ?? []).Select(e => e.IdToken.IdToken)));
                Volatile.Write(ref version, request.VersionNumber);
                return ValueTask.FromResult(new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted });
            });
        await using var station = await node1.BootedStationAsync("CS-LIST-1", handlers);
        await UntilAsync(() => Task.FromResult(node2.App.Services.GetRequiredService<Ohm.Csms.Sessions.IStationCallRouter>().IsConnected("CS-LIST-1")), "node 2 sees the station");

        // The membership and a token's change, both through node 2: one update each, to the station on node 1.
        var put = await node2.Api.PutAsJsonAsync("api/stations/CS-LIST-1/local-list", new { groups = new[] { "FLEET" } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        await UntilAsync(() => Task.FromResult(!sent.IsEmpty), "the Full update");
        var tokens = (await node2.GetJsonAsync("api/id-tokens")).GetProperty("items").EnumerateArray();
        var b = tokens.Single(t => t.GetProperty("idToken").GetString() == "B").GetProperty("id").GetInt64();
        (await node2.Api.PutAsJsonAsync($"api/id-tokens/{b}", new { status = "Blocked" })).EnsureSuccessStatusCode();
        await UntilAsync(() => Task.FromResult(sent.Count >= 2), "the Differential update");
        await node2.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        await node1.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();
        Assert.Equal(["Full 1: A,B", "Differential 2: B"], sent.ToArray());
    }

    private static async Task<int> PendingAsync(CsmsTestHost node)
    {
        await using var db = node.Database.CreateContext();
        return db.WebhookDeliveries.Count(d => d.State == Webhooks.Pending);
    }

    private static async Task<bool> EvseStateAsync(CsmsTestHost node, string stationId, string state) =>
        (await node.Api.GetFromJsonAsync<JsonElement>("api/sites/depot/allocation")).GetProperty("evses").EnumerateArray()
            .Any(e => e.GetProperty("stationId").GetString() == stationId && e.GetProperty("state").GetString() == state);

    /// <summary>The SetChargingProfile calls the stations of a site received: each one's TxProfile in force, and the most their sum was.</summary>
    private sealed class ProfileLog
    {
        private readonly Lock _lock = new();
        private readonly Dictionary<string, decimal> _limits = new(StringComparer.Ordinal);

        public decimal MaxSum { get; private set; }

        public decimal Limit(string stationId)
        {
            lock (_lock)
            {
                return _limits.GetValueOrDefault(stationId);
            }
        }

        public void Ended(string stationId)
        {
            lock (_lock)
            {
                _limits.Remove(stationId);
            }
        }

        public OcppHandlers Handlers(string stationId) => new OcppHandlers().On(OcppActions.SetChargingProfile, (request, _, _) =>
        {
            if (request.ChargingProfile.ChargingProfilePurpose == ChargingProfilePurposeEnumType.TxProfile)
            {
                lock (_lock)
                {
                    _limits[stationId] = request.ChargingProfile.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit;
                    MaxSum = Math.Max(MaxSum, _limits.Values.Sum());
                }
            }

            return ValueTask.FromResult(new SetChargingProfileResponse { Status = ChargingProfileStatusEnumType.Accepted });
        });

        public override string ToString()
        {
            lock (_lock)
            {
                return string.Join(", ", _limits.Select(l => $"{l.Key}={l.Value}")) + $"; max sum {MaxSum}";
            }
        }
    }

    /// <summary>Stations that accept UpdateFirmware: what each received, and how many were updating at once.</summary>
    private sealed class CampaignFleet
    {
        private readonly ConcurrentDictionary<string, int> _received = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<(string StationId, int RequestId)> _pending = new();
        private int _inProgress;
        private int _maxInProgress;

        public int Received => _received.Values.Sum();

        public int MaxInProgress => Volatile.Read(ref _maxInProgress);

        public int ReceivedBy(string stationId) => _received.GetValueOrDefault(stationId);

        public OcppHandlers Handlers(string stationId) => new OcppHandlers().On(OcppActions.UpdateFirmware, (request, _, _) =>
        {
            var now = Interlocked.Increment(ref _inProgress);
            int max;
            while (now > (max = Volatile.Read(ref _maxInProgress)) && Interlocked.CompareExchange(ref _maxInProgress, now, max) != max)
            {
            }

            _received.AddOrUpdate(stationId, 1, (_, n) => n + 1);
            _pending.Enqueue((stationId, request.RequestId));
            return ValueTask.FromResult(new UpdateFirmwareResponse { Status = UpdateFirmwareStatusEnumType.Accepted });
        });

        public (string StationId, int RequestId) Next() => _pending.TryDequeue(out var next) ? next : throw new InvalidOperationException("No station is updating.");

        public void Finishing(string stationId) => Interlocked.Decrement(ref _inProgress);
    }
}
