using System.Diagnostics;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;
using Ohm.Station;
using Xunit.Abstractions;

namespace Ohm.Cli.Tests.Cluster;

/// <summary>
/// Issue 16's end-to-end tests on three real <c>ohm csms --cluster</c> processes sharing one PostgreSQL: a command through
/// one node's API reaches a station on another, a killed node's stations move to the others with every acknowledged
/// TransactionEvent stored once, and a SIGTERM drains the node so that its stations reconnect elsewhere at once.
/// </summary>
public sealed class ThreeNodeClusterTests(ClusterFixture fixture, ITestOutputHelper output) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [ClusterFact]
    public async Task A_station_on_node_1_receives_a_command_sent_through_node_2s_API()
    {
        var cluster = await fixture.ClusterAsync(running: 2);
        var (holder, sender) = (cluster.Running[0], cluster.Running[1]); // nodes 1 and 2 unless another test stopped one
        await using var stations = new ClusterStations(cluster);
        await Diagnosed(cluster, async () =>
        {
            await cluster.RegisterStationAsync("CL-CMD", node: sender.Number);
            var station = await stations.StartAsync("CL-CMD", first: holder.Number);
            Assert.Equal(holder.OcppEndpoint, station.ConnectedEndpoint);

            // The sender learns from the station's grain which node holds it; until then it answers 503 (not connected).
            var body = """{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}""";
            (int Status, JsonElement Body) answer = default;
            await cluster.UntilAsync(async () => (answer = await sender.PostJsonAsync("api/stations/CL-CMD/commands/get-variables", body)).Status != 503, $"node {sender.Number} reaches CL-CMD on node {holder.Number}", Patience);
            Assert.True(answer.Status == 200, $"{answer.Status}: {answer.Body}");
            var result = answer.Body.GetProperty("getVariableResult")[0];
            Assert.Equal("Accepted", result.GetProperty("attributeStatus").GetString());
            Assert.Equal(station.Model.Value("OCPPCommCtrlr", "HeartbeatInterval"), result.GetProperty("attributeValue").GetString());
        });
    }

    [ClusterFact]
    public async Task A_token_blocked_through_one_nodes_API_is_refused_by_Authorize_on_another_node_at_once()
    {
        var cluster = await fixture.ClusterAsync(running: 2);
        var (holder, blocker) = (cluster.Running[0], cluster.Running[^1]); // nodes 1 and 3 when all run
        await Diagnosed(cluster, async () =>
        {
            await cluster.RegisterStationAsync("CL-TOKEN", node: blocker.Number);
            var (created, token) = await blocker.PostJsonAsync("api/id-tokens", """{"idToken":"CL-TOKEN-1","type":"ISO14443"}""");
            Assert.True(created is 200 or 201, $"{created}: {token}");
            await using var station = await OcppClient.ConnectAsync(new OcppClientOptions { Endpoint = holder.OcppEndpoint, StationId = "CL-TOKEN" }, new OcppHandlers());
            var boot = await station.CallAsync(new BootNotificationRequest { Reason = BootReasonEnumType.PowerUp, ChargingStation = new ChargingStationType { Model = "Cluster", VendorName = "Ohm" } });
            Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
            async Task<AuthorizationStatusEnumType> AuthorizeAsync() =>
                (await station.CallAsync(new AuthorizeRequest { IdToken = new IdTokenType { IdToken = "CL-TOKEN-1", Type = IdTokenEnumType.ISO14443 } })).IdTokenInfo.Status;

            Assert.Equal(AuthorizationStatusEnumType.Accepted, await AuthorizeAsync()); // read from the store, now in node 1's cache
            var (blocked, body) = await blocker.PutJsonAsync($"api/id-tokens/{token.GetProperty("id").GetInt64()}", new { status = "Blocked" });
            Assert.True(blocked == 200, $"{blocked}: {body}");
            Assert.Equal(AuthorizationStatusEnumType.Blocked, await AuthorizeAsync()); // the very next one, no waiting
        });
    }

    [ClusterFact]
    public async Task Killing_node_1_during_a_transaction_load_moves_its_stations_and_every_acknowledged_event_is_stored_once()
    {
        var cluster = await fixture.ClusterAsync(running: 2);
        var victim = cluster.Running[0]; // node 1 unless another test stopped it
        var survivors = cluster.Running.Skip(1).ToList();
        await using var stations = new ClusterStations(cluster);
        await Diagnosed(cluster, async () =>
        {
            for (var i = 1; i <= 5; i++) // a token per driver: one token in two transactions is refused (ConcurrentTx)
            {
                var (status, token) = await survivors[0].PostJsonAsync("api/id-tokens", $$"""{"idToken":"CL-LOAD-{{i}}","type":"ISO14443"}""");
                Assert.True(status is 200 or 201 or 409, $"{status}: {token}");
            }

            var onNode1 = new List<ChargingStation>();
            for (var i = 1; i <= 5; i++)
            {
                var station = await stations.StartAsync($"CL-LOAD-{i}", first: i <= 3 ? victim.Number : survivors[i % survivors.Count].Number); // three on the victim, two elsewhere
                if (i <= 3)
                {
                    onNode1.Add(station);
                }
            }

            using var stop = new CancellationTokenSource();
            var load = stations.All.Select(s => LoadAsync(s, stop.Token)).ToList();
            await cluster.UntilAsync(() => Task.FromResult(stations.Acknowledged.Values.All(a => a.Count >= 3)), "every station's events acknowledged", Patience);

            victim.Kill();
            var killed = Stopwatch.StartNew();
            await cluster.UntilAsync(
                () => Task.FromResult(onNode1.All(s => s.IsOnline && s.ConnectedEndpoint is { } at && at != victim.OcppEndpoint)),
                "the killed node's stations connected to another node",
                Patience);
            cluster.Note($"test: node {victim.Number}'s stations reconnected {killed.Elapsed.TotalSeconds:0.0} s after the kill");
            var counts = onNode1.Select(s => stations.Acknowledged[s.Id].Count).ToList();
            await cluster.UntilAsync(() => Task.FromResult(onNode1.Select((s, i) => stations.Acknowledged[s.Id].Count > counts[i] + 2).All(b => b)), "events acknowledged after the move", Patience);

            await stop.CancelAsync();
            await Task.WhenAll(load);
            foreach (var station in stations.All)
            {
                await station.Transactions.UnplugAsync(1);
            }

            await cluster.UntilAsync(() => Task.FromResult(stations.All.All(s => s.QueueLength == 0 && s.Evses[1].Transaction is null)), "every queue drained", Patience);

            // Read through a surviving node: every acknowledged (transactionId, seqNo) is stored, and none twice.
            foreach (var station in stations.All)
            {
                var acknowledged = stations.Acknowledged[station.Id].ToList();
                var stored = await StoredEventsAsync(survivors[^1], station.Id);
                Assert.Equal(stored.Distinct().Count(), stored.Count); // nothing stored twice
                var missing = acknowledged.Distinct().Except(stored).ToList();
                Assert.True(missing.Count == 0, $"{station.Id}: acknowledged but not stored: {string.Join(", ", missing)}");
                Assert.Equal(acknowledged.Distinct().Order(), stored.Order()); // the queue drained: what is stored is what was acknowledged
            }

            cluster.Note($"test: acknowledged in all: {stations.Acknowledged.Values.Sum(a => a.Count)} events");

            // The membership drops the dead node (the survivors vote it out); the next test then finds no grain placed on it.
            await cluster.UntilAsync(async () => !await cluster.IsActiveMemberAsync(victim), $"node {victim.Number} voted out of the membership", TimeSpan.FromSeconds(60));
            cluster.Note($"test: node {victim.Number} voted dead {killed.Elapsed.TotalSeconds:0.0} s after the kill");
        });
    }

    [ClusterFact]
    public async Task SIGTERM_drains_the_node_its_stations_reconnect_to_another_node_at_once()
    {
        var cluster = await fixture.ClusterAsync(running: 2);
        var drained = cluster.Running[^1]; // node 3 unless another test stopped it
        await using var stations = new ClusterStations(cluster);
        await Diagnosed(cluster, async () =>
        {
            // A back-off far longer than the test waits: a reconnect within its bound is the failover, not a retry.
            var draining = new List<ChargingStation>();
            for (var i = 1; i <= 3; i++)
            {
                draining.Add(await stations.StartAsync($"CL-DRAIN-{i}", first: drained.Number, backOffSeconds: 300));
            }

            Assert.All(draining, s => Assert.Equal(drained.OcppEndpoint, s.ConnectedEndpoint));
            var clock = Stopwatch.StartNew();
            var exit = await drained.TerminateAsync(Patience);
            Assert.Equal(0, exit);
            await cluster.UntilAsync(
                () => Task.FromResult(draining.All(s => s.IsOnline && s.ConnectedEndpoint is { } at && at != drained.OcppEndpoint)),
                "the drained stations connected to another node",
                Patience);
            cluster.Note($"test: SIGTERM to every station reconnected: {clock.Elapsed.TotalSeconds:0.0} s");
            await cluster.UntilAsync(async () => !await cluster.IsActiveMemberAsync(drained), $"node {drained.Number} left the membership", Patience); // it left, not voted out later
        });
    }

    [ClusterFact]
    public async Task A_site_balancer_with_stations_on_two_nodes_keeps_the_site_under_its_limit_changed_through_a_third()
    {
        var cluster = await fixture.ClusterAsync(running: 3);
        var (first, second, third) = (cluster.Running[0], cluster.Running[1], cluster.Running[2]);
        await using var stations = new ClusterStations(cluster);
        await Diagnosed(cluster, async () =>
        {
            // A site of 32 A per phase with a station on node 1 and one on node 2, all of it set up through node 3.
            string[] ids = ["CL-SITE-1", "CL-SITE-2"];
            foreach (var id in ids)
            {
                await cluster.RegisterStationAsync(id, node: third.Number);
                var (status, token) = await third.PostJsonAsync("api/id-tokens", $$"""{"idToken":"{{id}}","type":"ISO14443"}""");
                Assert.True(status is 200 or 201, $"{status}: {token}");
            }

            var (created, site) = await third.PostJsonAsync("api/sites", """{"id":"cl-depot","name":"Depot","limit":32,"limitUnit":"A"}""");
            Assert.True(created == 201, $"{created}: {site}");
            var (membered, members) = await third.PutJsonAsync("api/sites/cl-depot/members", ids.Select(id => new { stationId = id, evseCount = 1 }).ToArray());
            Assert.True(membered == 200, $"{membered}: {members}");

            var charging = new[] { await stations.StartAsync(ids[0], first: first.Number), await stations.StartAsync(ids[1], first: second.Number) };
            Assert.Equal(first.OcppEndpoint, charging[0].ConnectedEndpoint);
            Assert.Equal(second.OcppEndpoint, charging[1].ConnectedEndpoint);

            // What the stations hold: each one's TxProfile limit, and the most their sum was whenever one of them changed.
            decimal TxLimit(ChargingStation s) => s.SmartCharging.TxProfile(1)?.ChargingSchedule[0].ChargingSchedulePeriod[0].Limit ?? 0m;
            decimal Sum() => charging.Sum(TxLimit);
            var maxSum = 0m;
            var sampled = new Lock();
            foreach (var station in charging)
            {
                station.SmartCharging.Changed += _ =>
                {
                    lock (sampled)
                    {
                        maxSum = Math.Max(maxSum, Sum());
                    }
                };
            }

            foreach (var station in charging)
            {
                await station.Transactions.PlugInAsync(1);
                await station.Authorization.PresentTokenAsync(1, station.Id); // its driver's token has the station's name
            }

            await cluster.UntilAsync(() => Task.FromResult(charging.All(s => TxLimit(s) >= 6m) && Sum() <= 32m), "both stations share the site's 32 A", Patience);
            cluster.Note($"test: shared: {string.Join(", ", charging.Select(s => $"{s.Id}={TxLimit(s)}"))}");

            // Lowered through node 3, which holds neither station: both come down, their sum within the new limit.
            var (lowered, limit) = await third.PutJsonAsync("api/sites/cl-depot/limit", new { limit = 20 });
            Assert.True(lowered == 200, $"{lowered}: {limit}");
            await cluster.UntilAsync(() => Task.FromResult(charging.All(s => TxLimit(s) >= 6m) && Sum() <= 20m), "both stations within the lowered 20 A", Patience);
            cluster.Note($"test: lowered: {string.Join(", ", charging.Select(s => $"{s.Id}={TxLimit(s)}"))}; the most the sum was: {maxSum}");

            // Every node's allocation view agrees with what the stations hold.
            foreach (var node in new[] { first, second, third })
            {
                var view = default(JsonElement);
                await cluster.UntilAsync(
                    async () => (view = (await node.GetJsonAsync("api/sites/cl-depot/allocation")).Body).ValueKind == JsonValueKind.Object
                        && charging.All(s => Allocated(view, s.Id) == TxLimit(s)),
                    $"node {node.Number}'s allocation view agrees with the stations",
                    Patience);
                Assert.Equal(20m, view.GetProperty("limit").GetDecimal());
            }

            lock (sampled)
            {
                Assert.True(maxSum <= 32m, $"the stations' TxProfiles summed to {maxSum} A on a 32 A site");
            }

            foreach (var station in charging)
            {
                await station.Transactions.UnplugAsync(1);
            }

            await cluster.UntilAsync(() => Task.FromResult(charging.All(s => s.QueueLength == 0 && s.Evses[1].Transaction is null)), "both transactions ended", Patience);
        });
    }

    /// <summary>What an allocation view gives the station's EVSE 1, in A (-1 when the view does not list it).</summary>
    private static decimal Allocated(JsonElement view, string stationId) =>
        view.GetProperty("evses").EnumerateArray()
            .Where(e => e.GetProperty("stationId").GetString() == stationId && e.GetProperty("evseId").GetInt32() == 1)
            .Select(e => e.GetProperty("allocated").GetDecimal())
            .DefaultIfEmpty(-1m)
            .First();

    /// <summary>A simulated driver: plugs in and presents its token when no transaction runs, and takes a meter sample every 100 ms.</summary>
    private static async Task LoadAsync(ChargingStation station, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                if (station.Evses[1].Transaction is null && station.IsOnline)
                {
                    await station.Transactions.PlugInAsync(1);
                    await station.Authorization.PresentTokenAsync(1, station.Id); // its driver's token has the station's name
                }
                else if (station.Evses[1].Transaction is not null)
                {
                    await station.Transactions.SampleNowAsync(1);
                }

                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The (transactionId, seqNo) of every stored TransactionEvent of the station, read through <paramref name="node"/>'s API.</summary>
    private static async Task<List<(string TransactionId, int SeqNo)>> StoredEventsAsync(ClusterNode node, string stationId)
    {
        var (status, page) = await node.GetJsonAsync($"api/stations/{stationId}/transactions?limit=100");
        Assert.True(status == 200, $"{status}: {page}");
        var stored = new List<(string, int)>();
        foreach (var transaction in page.GetProperty("items").EnumerateArray())
        {
            var id = transaction.GetProperty("transactionId").GetString()!;
            var (detailStatus, detail) = await node.GetJsonAsync($"api/stations/{stationId}/transactions/{Uri.EscapeDataString(id)}");
            Assert.True(detailStatus == 200, $"{detailStatus}: {detail}");
            stored.AddRange(detail.GetProperty("events").EnumerateArray().Select(e => (id, e.GetProperty("seqNo").GetInt32())));
        }

        return stored;
    }

    /// <summary>Runs the test's body; on failure, writes the nodes' and stations' log to the test output.</summary>
    private async Task Diagnosed(ClusterProcesses cluster, Func<Task> body)
    {
        try
        {
            await body();
            output.WriteLine(string.Join(Environment.NewLine, cluster.Log.Where(l => l.Contains("] test:", StringComparison.Ordinal)))); // what the test did, with its times
        }
        catch
        {
            output.WriteLine(cluster.Tail(400));
            throw;
        }
    }
}
