using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Blocks;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// I02 in a cluster: every node runs the running-cost ticks, each for the stations connected to it, so that a station
/// hears one CostUpdated per tick however many nodes there are, and a spent balance is stopped once.
/// </summary>
public sealed class ClusterCostUpdateTests
{
    [PostgresFact]
    public async Task I02_each_node_updates_the_running_cost_of_its_own_stations_only_so_a_station_gets_one_CostUpdated_per_tick()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);
        var costs = new List<decimal>();
        var handlers = new OcppHandlers().On(OcppActions.CostUpdated, (request, _, _) =>
        {
            lock (costs)
            {
                costs.Add(request.TotalCost);
            }

            return ValueTask.FromResult(new CostUpdatedResponse());
        });
        await using var station = await node1.BootedStationAsync("CS-COST", handlers);
        var created = await node2.Api.PostAsJsonAsync("api/tariffs", new { tariff = new { name = "Standard", currency = "EUR", energyPerKwh = 0.40m, defaultText = "EUR 0.40 per kWh" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tariff = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await node2.Api.PostAsJsonAsync($"api/tariffs/{tariff}/assignments", new { stationId = "CS-COST" })).EnsureSuccessStatusCode();

        await station.CallAsync(TransactionTests.Event("TX-COST", 0, TransactionEventEnumType.Started, energyWh: 0));
        await station.CallAsync(TransactionTests.Event("TX-COST", 1, TransactionEventEnumType.Updated, energyWh: 2500));
        await UntilAsync(async () => (await node2.GetJsonAsync("api/stations/CS-COST")).GetProperty("online").GetBoolean(), "node 2 sees the station");

        // A run awaits each CostUpdated's answer, so what it sent is counted when it returns. Node 2's run: the station
        // is connected, but elsewhere; node 2 leaves it to node 1, whose run sends the one CostUpdated.
        await node2.App.Services.GetRequiredService<TariffCost>().UpdateRunningCostsAsync(CancellationToken.None);
        Assert.Equal(0, Count());
        await node1.App.Services.GetRequiredService<TariffCost>().UpdateRunningCostsAsync(CancellationToken.None);
        Assert.Equal(1, Count());
        lock (costs)
        {
            Assert.Equal(1.00m, costs[0]); // 2.5 kWh at 0.40
        }

        int Count()
        {
            lock (costs)
            {
                return costs.Count;
            }
        }
    }
}
