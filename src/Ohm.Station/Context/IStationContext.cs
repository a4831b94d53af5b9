using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;

namespace Ohm.Station.Context;

/// <summary>
/// What a functional block may use of the station it serves: the device model, the durable store and the EVSEs; the
/// way to the CSMS (the outgoing queue, a CALL sent now) and the registration state; the clock, the hardware, the
/// background work and the activity report. <see cref="ChargingStation"/> implements it; a test gives a fake. A block
/// that changes state under the station's serialization takes an <see cref="IStateGate"/> as well, and a block that
/// needs another block takes that block in its constructor: a block never sees the station itself.
/// </summary>
internal interface IStationContext
{
    /// <summary>The device model; replaced when the engine restarts, so read it each time.</summary>
    StationDeviceModel Model { get; }

    /// <summary>The durable state; replaced when the engine restarts, so read it each time.</summary>
    StationStore Store { get; }

    /// <summary>The EVSEs, by id; replaced when the engine restarts, so read it each time.</summary>
    IReadOnlyDictionary<int, Evse> Evses { get; }

    /// <summary>Persists an EVSE's state. Call under the gate.</summary>
    void SaveEvse(Evse evse);

    /// <summary>The last registration status the CSMS gave, or null before the first BootNotification answer.</summary>
    RegistrationStatusEnumType? Registration { get; }

    /// <summary>Whether the station is connected and Accepted.</summary>
    bool IsOnline { get; }

    /// <summary>Whether the station is connected at all.</summary>
    bool IsConnected { get; }

    /// <summary>The number of messages waiting in the outgoing queue.</summary>
    int QueueLength { get; }

    /// <summary>Queues a message for in-order delivery (kept offline per QueueAllMessages; TransactionEvents always).</summary>
    void Enqueue(IOcppRequest request);

    /// <summary>Sends a CALL now, not queued; fails when offline or before the CSMS accepted the station.</summary>
    Task<TResponse> CallAsync<TResponse>(IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse;

    /// <summary>The station's clock and timers.</summary>
    TimeProvider Clock { get; }

    /// <summary>Now, by the station's clock.</summary>
    DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The hardware the station drives.</summary>
    StationHardware Hardware { get; }

    /// <summary>The simulator behind the hardware, when it is simulated; simulator inputs go there.</summary>
    SimulatedHardware? Simulator { get; }

    /// <summary>The station's background tasks; stopping awaits them.</summary>
    BackgroundWork Background { get; }

    /// <summary>Cancelled when the station stops.</summary>
    CancellationToken Stopping { get; }

    /// <summary>Tells, in one line, what the station did (logs and the simulator's console).</summary>
    void Report(string message);
}
