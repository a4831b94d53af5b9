using System.Collections.Concurrent;
using Ohm.Ocpp.Messages;
using Ohm.Station;
using Ohm.Station.DeviceModel;

namespace Ohm.Cli.Tests.Cluster;

/// <summary>
/// Real stations (the Ohm.Station stack) for the cluster tests, each given every node's address with a chosen one first,
/// recording every TransactionEvent the CSMS acknowledged. Disposed at the end of a test.
/// </summary>
public sealed class ClusterStations(ClusterProcesses cluster) : IAsyncDisposable
{
    private readonly List<ChargingStation> _stations = [];

    /// <summary>The station's config: 1 EVSE, a quick boot retry, and a reconnect back-off of <paramref name="backOffSeconds"/>.</summary>
    public static DeviceModelConfig Config(int backOffSeconds) => DeviceModelConfig.Builtin().WithEvseCount(1)
        .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", backOffSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "0")
        .With("OCPPCommCtrlr", "RetryBackOffRepeatTimes", "0")
        .With("OCPPCommCtrlr", "MessageAttemptIntervalTransactionEvent", "1")
        .With("SampledDataCtrlr", "TxUpdatedInterval", "0")
        .With("AlignedDataCtrlr", "Interval", "0");

    /// <summary>Every TransactionEvent acknowledged, per station: (transactionId, seqNo), in the order the answers came.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<(string TransactionId, int SeqNo)>> Acknowledged { get; } = new(StringComparer.Ordinal);

    /// <summary>The stations started so far.</summary>
    public IReadOnlyList<ChargingStation> All => _stations;

    /// <summary>Starts <paramref name="stationId"/> with node <paramref name="first"/>'s address first and the others after it; waits until it is online.</summary>
    public async Task<ChargingStation> StartAsync(string stationId, int first, int backOffSeconds = 1)
    {
        var endpoints = cluster.OcppEndpoints;
        var order = Enumerable.Range(0, endpoints.Count).Select(i => endpoints[(first - 1 + i) % endpoints.Count]).ToList();
        var station = new ChargingStation(new StationOptions
        {
            Endpoint = order[0],
            FallbackEndpoints = order.Skip(1).ToList(),
            StationId = stationId,
            DataDirectory = Path.Combine(Path.GetTempPath(), "ohm-cluster-stations", Guid.NewGuid().ToString("N")),
            Config = Config(backOffSeconds),
            DefaultBootRetry = TimeSpan.FromSeconds(1),
        });
        var acknowledged = Acknowledged.GetOrAdd(stationId, _ => new());
        station.TransactionEventAcknowledged += e => acknowledged.Enqueue((e.TransactionInfo.TransactionId, e.SeqNo));
        station.Activity += line => cluster.Note($"{stationId}: {line}");
        _stations.Add(station);
        await station.StartAsync();
        await cluster.UntilAsync(() => Task.FromResult(station.IsOnline), stationId + " online", TimeSpan.FromSeconds(30));
        return station;
    }

    /// <summary>Node <paramref name="number"/>'s OCPP address.</summary>
    public Uri Address(int number) => cluster[number].OcppEndpoint;

    public async ValueTask DisposeAsync()
    {
        foreach (var station in _stations)
        {
            var data = station.Options.DataDirectory!;
            await station.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
