using Ohm.Station.DeviceModel;

namespace Ohm.Station.Tests.Support;

/// <summary>A test CSMS and stations with their data in a temporary folder, removed at the end.</summary>
public sealed class StationHarness : IAsyncDisposable
{
    private readonly List<ChargingStation> _stations = [];

    private StationHarness(TestCsms csms) => Csms = csms;

    public TestCsms Csms { get; }

    /// <summary>What the stations logged; an Error or Critical fails the test at dispose unless declared with <see cref="ExpectError(string)"/>.</summary>
    public LogRecorder Logs { get; } = new();

    /// <summary>Declares that errors whose message, category or exception contains <paramref name="fragment"/> are expected.</summary>
    public void ExpectError(string fragment) => Logs.ExpectError(fragment);

    /// <summary>Declares that errors matching <paramref name="predicate"/> are expected.</summary>
    public void ExpectError(Func<LogEntry, bool> predicate) => Logs.ExpectError(predicate);

    public string DataRoot { get; } = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N"));

    public static async Task<StationHarness> StartAsync()
    {
        UnobservedTaskExceptions.Watch();
        return new(await TestCsms.StartAsync());
    }

    /// <summary>A config with fast timings for tests; <paramref name="configure"/> changes it further.</summary>
    public static DeviceModelConfig Config(Action<DeviceModelConfig>? configure = null)
    {
        var config = DeviceModelConfig.Builtin()
            .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
            .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "0")
            .With("OCPPCommCtrlr", "RetryBackOffRepeatTimes", "0")
            .With("OCPPCommCtrlr", "MessageAttemptIntervalTransactionEvent", "0")
            .With("SampledDataCtrlr", "TxUpdatedInterval", "0")
            .With("AlignedDataCtrlr", "Interval", "0");
        configure?.Invoke(config);
        return config;
    }

    public StationOptions Options(string id, DeviceModelConfig? config = null) => new()
    {
        Endpoint = Csms.Endpoint,
        StationId = id,
        DataDirectory = Path.Combine(DataRoot, id),
        Config = config ?? Config(),
        DefaultBootRetry = TimeSpan.FromSeconds(1),
    };

    /// <summary>Starts a station and waits until it is Accepted (unless <paramref name="waitAccepted"/> is false).</summary>
    public async Task<ChargingStation> StartStation(string id, DeviceModelConfig? config = null, bool waitAccepted = true, StationOptions? options = null)
    {
        var station = new ChargingStation(options ?? Options(id, config), Logs);
        _stations.Add(station);
        await station.StartAsync();
        if (waitAccepted)
        {
            await TestCsms.Until(() => station.IsOnline, id + " accepted");
        }

        return station;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var station in _stations)
        {
            try
            {
                await station.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        await Csms.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataRoot, recursive: true);
        }
        catch (IOException)
        {
        }

        Logs.AssertNoUnexpectedErrors();
        UnobservedTaskExceptions.AssertNone();
    }
}
