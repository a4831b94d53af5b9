using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Accounts;

/// <summary>
/// The router the blocks call, recording in the <see cref="AuditLog"/> every call made while an operator acts
/// (<see cref="CommandActor.Current"/>): who, to which station, which action, and how it ended. Calls the CSMS makes on
/// its own (no actor) pass through unrecorded.
/// </summary>
public sealed partial class AuditingStationCallRouter(IStationCallRouter inner, AuditLog audit, ILogger<AuditingStationCallRouter> logger) : IStationCallRouter
{
    public bool IsConnected(string stationId) => inner.IsConnected(stationId);

    /// <inheritdoc/>
    public Task<bool> IsConnectedAsync(string stationId, CancellationToken cancellationToken = default) => inner.IsConnectedAsync(stationId, cancellationToken);

    public async Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CommandActor.Current is not { } actor)
        {
            return await inner.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var response = await inner.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
            await RecordAsync(actor, stationId, request.Action.Name, AuditOutcomes.Answered, null).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (Outcome(ex) is var (outcome, detail))
        {
            await RecordAsync(actor, stationId, request.Action.Name, outcome, detail).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (CommandActor.Current is not { } actor)
        {
            return await inner.CallRawAsync(stationId, action, payload, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var response = await inner.CallRawAsync(stationId, action, payload, cancellationToken).ConfigureAwait(false);
            await RecordAsync(actor, stationId, action.Name, AuditOutcomes.Answered, null).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex) when (Outcome(ex) is var (outcome, detail))
        {
            await RecordAsync(actor, stationId, action.Name, outcome, detail).ConfigureAwait(false);
            throw;
        }
    }

    public Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default) =>
        inner.DisconnectAsync(stationId, reason, cancellationToken);

    private static (string Outcome, string? Detail) Outcome(Exception ex) => ex switch
    {
        OcppCallErrorException e => (AuditOutcomes.CallError, $"{e.Code.ToWire()}: {e.Description}"),
        OcppCallTimeoutException => (AuditOutcomes.Timeout, "the station did not answer in time"),
        StationNotConnectedException => (AuditOutcomes.NotConnected, null),
        _ => (AuditOutcomes.Failed, $"{ex.GetType().Name}: {ex.Message}"),
    };

    private async Task RecordAsync(string actor, string stationId, string action, string outcome, string? detail)
    {
        try
        {
            // Not the caller's token: a call that was made is recorded even when its caller has gone.
            await audit.RecordAsync(actor, stationId, action, outcome, detail, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The call happened either way; a failed audit write is logged, not thrown at the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogNotRecorded(logger, ex, action, stationId, actor);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not record {Action} to {StationId} by {Account}")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, string action, string stationId, string account);
}
