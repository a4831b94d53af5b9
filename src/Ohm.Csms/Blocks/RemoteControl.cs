using Ohm.Csms.Sessions;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>Block F, Remote control, on the CSMS side.</summary>
public sealed class RemoteControl(IStationCallRouter router, StationSessions sessions)
{
    private int _lastRemoteStartId = Environment.TickCount & 0x3FFFFFFF;

    // F01 Remote Start Transaction - Cable Plugin First, F02 - Remote Start First. The remoteStartId links the transaction.
    public async Task<(int RemoteStartId, RequestStartTransactionResponse Response)> RequestStartTransactionAsync(
        string stationId, IdTokenType idToken, int? evseId, int? remoteStartId, ChargingProfileType? chargingProfile, CancellationToken cancellationToken)
    {
        var id = remoteStartId ?? NextRemoteStartId();
        var response = await RequestStartTransactionAsync(
            stationId,
            new RequestStartTransactionRequest { RemoteStartId = id, IdToken = idToken, EvseId = evseId, ChargingProfile = chargingProfile },
            cancellationToken).ConfigureAwait(false);
        return (id, response);
    }

    // F01, F02 Request Start Transaction, the request as given (its remoteStartId links the transaction).
    public Task<RequestStartTransactionResponse> RequestStartTransactionAsync(string stationId, RequestStartTransactionRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    /// <summary>A remoteStartId, unique in this process.</summary>
    public int NextRemoteStartId() => Interlocked.Increment(ref _lastRemoteStartId) & 0x7FFFFFFF;

    // F03 Remote Stop Transaction
    public Task<RequestStopTransactionResponse> RequestStopTransactionAsync(string stationId, string transactionId, CancellationToken cancellationToken) =>
        RequestStopTransactionAsync(stationId, new RequestStopTransactionRequest { TransactionId = transactionId }, cancellationToken);

    // F03 Remote Stop Transaction, the request as given.
    public Task<RequestStopTransactionResponse> RequestStopTransactionAsync(string stationId, RequestStopTransactionRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    // F05 Remotely Unlock Connector
    public Task<UnlockConnectorResponse> UnlockConnectorAsync(string stationId, int evseId, int connectorId, CancellationToken cancellationToken) =>
        UnlockConnectorAsync(stationId, new UnlockConnectorRequest { EvseId = evseId, ConnectorId = connectorId }, cancellationToken);

    // F05 Remotely Unlock Connector, the request as given.
    public Task<UnlockConnectorResponse> UnlockConnectorAsync(string stationId, UnlockConnectorRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    // F06 Trigger Message: a triggered message is let through even while the station is Pending (B02.FR.09).
    public Task<TriggerMessageResponse> TriggerMessageAsync(string stationId, MessageTriggerEnumType requested, EVSEType? evse, CancellationToken cancellationToken) =>
        TriggerMessageAsync(stationId, new TriggerMessageRequest { RequestedMessage = requested, Evse = evse }, cancellationToken);

    // F06 Trigger Message, the request as given (customData kept).
    public async Task<TriggerMessageResponse> TriggerMessageAsync(string stationId, TriggerMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var session = sessions.Find(stationId);
        var action = TriggeredAction(request.RequestedMessage);
        session?.AllowTriggered(action);
        TriggerMessageResponse response;
        try
        {
            response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Not accepted (a CALLERROR, no answer): the allowance must not outlive the call.
            session?.ConsumeTriggered(action);
            throw;
        }

        if (response.Status != TriggerMessageStatusEnumType.Accepted)
        {
            session?.ConsumeTriggered(action);
        }

        return response;
    }

    /// <summary>The action a station sends for a requested message.</summary>
    public static string TriggeredAction(MessageTriggerEnumType requested) => requested switch
    {
        MessageTriggerEnumType.SignChargingStationCertificate or MessageTriggerEnumType.SignV2GCertificate or MessageTriggerEnumType.SignCombinedCertificate => "SignCertificate",
        _ => requested.ToWire(),
    };
}
