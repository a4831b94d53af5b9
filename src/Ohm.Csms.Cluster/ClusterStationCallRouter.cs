using System.Text.Json;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Validation;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The station-call router of cluster mode: a station connected to this node is called through the local sessions as
/// on one node; any other through its grain, to the node that holds it, with the same exceptions as one node throws.
/// </summary>
public sealed class ClusterStationCallRouter(StationSessions sessions, IGrainFactory grains, RemotePresenceCache remote, ILogger<ClusterStationCallRouter> logger) : IStationCallRouter
{
    /// <inheritdoc/>
    /// <remarks>From the local sessions, else from what the station's grain said lately (<see cref="RemotePresenceCache"/>): no long wait.</remarks>
    public bool IsConnected(string stationId) => sessions.IsConnected(stationId) || remote.IsConnected(stationId);

    /// <inheritdoc/>
    /// <remarks>From the local sessions, else from the station's grain, awaited (a grain's turn must not block on another grain).</remarks>
    public async Task<bool> IsConnectedAsync(string stationId, CancellationToken cancellationToken = default) =>
        sessions.IsConnected(stationId) || await remote.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        if (sessions.IsConnected(stationId))
        {
            return await sessions.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        }

        var action = request.Action;
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, action.RequestTypeInfo);
        var answer = await RemoteAsync(stationId, action, payload, cancellationToken).ConfigureAwait(false);
        return (TResponse)action.ReadResponse(answer);
    }

    /// <inheritdoc/>
    public Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        return sessions.IsConnected(stationId)
            ? sessions.CallRawAsync(stationId, action, payload, cancellationToken)
            : RemoteAsync(stationId, action, payload.ToArray(), cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default)
    {
        if (await sessions.DisconnectAsync(stationId, reason, cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        try
        {
            return await Abandonable(grains.GetGrain<IStationGrain>(stationId).DisconnectAsync(reason)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (GrainFailures.IsClusterFailure(ex))
        {
            // Not reached: as for a station that is not connected, nothing was closed.
            _ = GrainFailures.ForStation(logger, stationId, "Disconnect", ex);
            return false;
        }
    }

    private async Task<byte[]> RemoteAsync(string stationId, OcppAction action, byte[] payload, CancellationToken cancellationToken)
    {
        NodeCallOutcome outcome;
        try
        {
            outcome = await Abandonable(grains.GetGrain<IStationGrain>(stationId).CallRawAsync(action.Name, payload)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (GrainFailures.IsClusterFailure(ex))
        {
            throw GrainFailures.ForStation(logger, stationId, action.Name, ex);
        }

        return outcome.Result switch
        {
            NodeCallResult.Answered => outcome.Payload ?? [],
            NodeCallResult.NotConnected => throw new StationNotConnectedException(stationId),
            NodeCallResult.TimedOut => throw new OcppCallTimeoutException(outcome.Message ?? $"{stationId} did not answer {action.Name} in time."),
            NodeCallResult.CallError => throw new OcppCallErrorException(action.Name, OcppErrorCodes.FromWire(outcome.ErrorCode), outcome.Message ?? ""),
            NodeCallResult.ConnectionClosed => throw new OcppConnectionClosedException(outcome.Message ?? $"The connection of {stationId} closed."),
            NodeCallResult.InvalidResponse => throw new OcppPayloadException(action.Name, new OcppValidationError(OcppErrorCodes.FromWire(outcome.ErrorCode), outcome.Path ?? "", outcome.Message ?? "")),
            _ => throw new InvalidOperationException($"Unknown outcome {outcome.Result} of {action.Name} to {stationId}."),
        };
    }

    /// <summary>
    /// A grain call that the caller may stop waiting for (its token, a timeout): its failure after that is observed
    /// here, not left to the finalizer.
    /// </summary>
    private static Task<T> Abandonable<T>(Task<T> call)
    {
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return call;
    }
}
