using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station;

/// <summary>The station as its blocks see it: their context, the gate that serializes state changes, and its lifecycle.</summary>
public sealed partial class ChargingStation : IStationContext, IStateGate, IStationLifecycle
{
    TimeProvider IStationContext.Clock => Clock;

    BackgroundWork IStationContext.Background => Background;

    CancellationToken IStationContext.Stopping => Stopping;

    BootReasonEnumType IStationLifecycle.BootReason
    {
        get => BootReason;
        set => BootReason = value;
    }

    void IStationContext.SaveEvse(Evse evse) => SaveEvse(evse);

    void IStationContext.Enqueue(IOcppRequest request) => Enqueue(request);

    Task<TResponse> IStationContext.CallAsync<TResponse>(IOcppRequest<TResponse> request, CancellationToken cancellationToken) => CallAsync(request, cancellationToken);

    void IStationContext.Report(string message) => Report(message);

    // One gate for the whole station, as before; the blocks reach it only through IStateGate.
    Task IStateGate.EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    void IStateGate.Exit() => _gate.Release();

    void IStationLifecycle.BootNow() => BootNow();

    void IStationLifecycle.RequestRestart(BootReasonEnumType reason) => RequestRestart(reason);
}
