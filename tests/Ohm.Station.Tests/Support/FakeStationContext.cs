using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Blocks;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;
using ProvisioningBlock = Ohm.Station.Blocks.Provisioning;
using TransactionsBlock = Ohm.Station.Blocks.Transactions;

namespace Ohm.Station.Tests.Support;

/// <summary>
/// A station as a block sees it, without a WebSocket or a <see cref="ChargingStation"/>: a real device model and store
/// in a temporary folder, the EVSEs of the configuration, a fake clock, simulated hardware (any seam replaceable),
/// queued messages and CALLs recorded, and CALLs answered by <see cref="Answer"/> while <see cref="IsOnline"/>.
/// </summary>
internal sealed class FakeStationContext : IStationContext, IStateGate, IStationLifecycle, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N"));
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SimulatedHardware _simulator;

    public FakeStationContext(DeviceModelConfig? config = null, Func<StationHardware, StationHardware>? hardware = null)
    {
        Clock = FakeClock.Create();
        _simulator = new SimulatedHardware(Clock);
        var simulated = StationHardware.Of(_simulator);
        Hardware = hardware?.Invoke(simulated) ?? simulated;
        Store = new StationStore(_directory);
        Model = new StationDeviceModel(config ?? DeviceModelConfig.Builtin(), Store);
        Evses = Model.EvseIds.ToDictionary(id => id, id => new Evse(id) { LastEnergyUpdate = Clock.GetUtcNow() });
    }

    public FakeTimeProvider Clock { get; }

    TimeProvider IStationContext.Clock => Clock;

    public StationDeviceModel Model { get; }

    public StationStore Store { get; }

    public IReadOnlyDictionary<int, Evse> Evses { get; }

    public RegistrationStatusEnumType? Registration { get; set; } = RegistrationStatusEnumType.Accepted;

    public bool IsOnline { get; set; }

    public bool IsConnected => IsOnline;

    public int QueueLength => Queued.Count;

    public StationHardware Hardware { get; }

    public SimulatedHardware? Simulator => _simulator;

    public BackgroundWork Background { get; } = new(NullLogger.Instance);

    public CancellationToken Stopping => CancellationToken.None;

    public BootReasonEnumType BootReason { get; set; } = BootReasonEnumType.PowerUp;

    /// <summary>Answers the CALLs sent while online; without it every CALL fails as a closed connection would.</summary>
    public Func<IOcppRequest, IOcppResponse>? Answer { get; set; }

    /// <summary>The CALLs the blocks sent now, in order.</summary>
    public List<IOcppRequest> Calls { get; } = [];

    /// <summary>The messages the blocks queued, in order.</summary>
    public List<IOcppRequest> Queued { get; } = [];

    /// <summary>What the blocks reported.</summary>
    public List<string> Reports { get; } = [];

    /// <summary>How many times an EVSE was saved.</summary>
    public int Saves { get; private set; }

    public void SaveEvse(Evse evse) => Saves++;

    public void Enqueue(IOcppRequest request) => Queued.Add(request);

    public Task<TResponse> CallAsync<TResponse>(IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        Calls.Add(request);
        return IsOnline && Answer is { } answer
            ? Task.FromResult((TResponse)answer(request))
            : Task.FromException<TResponse>(new OcppConnectionClosedException("offline"));
    }

    public void Report(string message) => Reports.Add(message);

    public Task EnterAsync(CancellationToken cancellationToken = default) => _gate.WaitAsync(cancellationToken);

    public void Exit() => _gate.Release();

    public void BootNow()
    {
    }

    public void RequestRestart(BootReasonEnumType reason) => BootReason = reason;

    /// <summary>The blocks, built as <see cref="ChargingStation"/> builds them, on this context.</summary>
    public (TransactionsBlock Transactions, Authorization Authorization, RemoteControl RemoteControl, LocalAuthList LocalAuthList) Blocks()
    {
        var events = new TransactionEvents(this);
        var cache = new AuthorizationCache(this);
        var metering = new Metering(this, events);
        var availability = new Availability(this, this);
        var transactions = new TransactionsBlock(this, this, events, metering, availability, cache);
        var securityEvents = new SecurityEvents(this);
        var profiles = new NetworkProfiles(this, new StationOptions { Endpoint = new Uri("ws://127.0.0.1:9/ocpp"), StationId = "CS-FAKE" }, securityEvents);
        var provisioning = new ProvisioningBlock(this, this, this, transactions, new SecurityVariables(this, securityEvents, profiles));
        var list = new LocalAuthList(this);
        var authorization = new Authorization(this, cache, list, transactions);
        var remoteControl = new RemoteControl(this, this, provisioning, authorization, transactions, events, availability, metering);
        return (transactions, authorization, remoteControl, list);
    }

    public void Dispose()
    {
        Store.Dispose();
        _simulator.Dispose();
        _gate.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
