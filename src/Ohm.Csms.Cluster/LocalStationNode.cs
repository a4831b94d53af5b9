using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Cluster;

/// <summary>This node's observer: the calls other nodes route here go to the local sessions.</summary>
public sealed class LocalStationNode(StationSessions sessions) : IStationNode
{
    /// <inheritdoc/>
    public async Task<NodeCallOutcome> CallRawAsync(string stationId, string action, byte[] payload)
    {
        if (OcppActions.Find(action) is not { } known)
        {
            return new NodeCallOutcome(NodeCallResult.CallError, ErrorCode: OcppErrorCode.NotImplemented.ToWire(), Message: $"The action '{action}' is not an OCPP 2.0.1 action.");
        }

        try
        {
            return new NodeCallOutcome(NodeCallResult.Answered, await sessions.CallRawAsync(stationId, known, payload).ConfigureAwait(false));
        }
        catch (StationNotConnectedException)
        {
            return NodeCallOutcome.NotConnected;
        }
        catch (OcppCallTimeoutException ex)
        {
            return new NodeCallOutcome(NodeCallResult.TimedOut, Message: ex.Message);
        }
        catch (OcppCallErrorException ex)
        {
            return new NodeCallOutcome(NodeCallResult.CallError, ErrorCode: ex.Code.ToWire(), Message: ex.Description);
        }
        catch (OcppConnectionClosedException ex)
        {
            return new NodeCallOutcome(NodeCallResult.ConnectionClosed, Message: ex.Message);
        }
        catch (OcppPayloadException ex)
        {
            return new NodeCallOutcome(NodeCallResult.InvalidResponse, ErrorCode: ex.Error.Code.ToWire(), Message: ex.Error.Reason, Path: ex.Error.Path);
        }
    }

    /// <inheritdoc/>
    public Task<bool> DisconnectAsync(string stationId, string reason) => sessions.DisconnectAsync(stationId, reason);
}
