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
        var id = remoteStartId ?? (Interlocked.Increment(ref _lastRemoteStartId) & 0x7FFFFFFF);
        var response = await router.CallAsync(
            stationId,
            new RequestStartTransactionRequest { RemoteStartId = id, IdToken = idToken, EvseId = evseId, ChargingProfile = chargingProfile },
            cancellationToken).ConfigureAwait(false);
        return (id, response);
    }

    // F03 Remote Stop Transaction
    public Task<RequestStopTransactionResponse> RequestStopTransactionAsync(string stationId, string transactionId, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, new RequestStopTransactionRequest { TransactionId = transactionId }, cancellationToken);

    // F05 Remotely Unlock Connector
    public Task<UnlockConnectorResponse> UnlockConnectorAsync(string stationId, int evseId, int connectorId, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, new UnlockConnectorRequest { EvseId = evseId, ConnectorId = connectorId }, cancellationToken);

    // F06 Trigger Message: a triggered message is let through even while the station is Pending (B02.FR.09).
    public async Task<TriggerMessageResponse> TriggerMessageAsync(string stationId, MessageTriggerEnumType requested, EVSEType? evse, CancellationToken cancellationToken)
    {
        var session = sessions.Find(stationId);
        var action = TriggeredAction(requested);
        session?.AllowTriggered(action);
        TriggerMessageResponse response;
        try
        {
            response = await router.CallAsync(stationId, new TriggerMessageRequest { RequestedMessage = requested, Evse = evse }, cancellationToken).ConfigureAwait(false);
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
