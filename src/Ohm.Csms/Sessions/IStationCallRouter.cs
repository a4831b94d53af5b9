using Ohm.Ocpp;

namespace Ohm.Csms.Sessions;

/// <summary>
/// Sends CSMS-to-station calls to wherever the station is connected. In one process that is its session; a cluster
/// can route to another node without the blocks knowing.
/// </summary>
public interface IStationCallRouter
{
    /// <summary>Whether the station is connected now.</summary>
    bool IsConnected(string stationId);

    /// <summary>
    /// Whether the station is connected now, without blocking a thread: where the answer is on another node (a cluster),
    /// it is awaited. Work that may run inside a grain (site balancing, campaigns, local lists) asks this way.
    /// </summary>
    Task<bool> IsConnectedAsync(string stationId, CancellationToken cancellationToken = default) => Task.FromResult(IsConnected(stationId));

    /// <summary>Sends a typed CALL to the station and returns its response.</summary>
    /// <exception cref="StationNotConnectedException">The station is not connected.</exception>
    Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse;

    /// <summary>Sends a CALL whose payload is JSON and returns the response payload's JSON.</summary>
    /// <exception cref="StationNotConnectedException">The station is not connected.</exception>
    Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>
    /// Closes the station's connection at once (WebSocket close status 1008, policy violation, with
    /// <paramref name="reason"/>): its registration changed (disabled, removed, new credentials), so what it was admitted
    /// with no longer holds. Returns whether it was connected.
    /// </summary>
    Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default);
}
