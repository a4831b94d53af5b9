using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Sessions;

/// <summary>The sessions of the stations connected to this process, and the in-process <see cref="IStationCallRouter"/>.</summary>
public sealed class StationSessions : IStationCallRouter
{
    private readonly ConcurrentDictionary<string, StationSession> _sessions = new(StringComparer.Ordinal);

    /// <summary>The number of connected stations.</summary>
    public int Count => _sessions.Count;

    /// <summary>The sessions of the connected stations, without a snapshot (the metrics, a cluster's directory).</summary>
    public IEnumerable<StationSession> All
    {
        get
        {
            foreach (var pair in _sessions)
            {
                yield return pair.Value;
            }
        }
    }

    /// <summary>The session of a connected station, or null.</summary>
    public StationSession? Find(string stationId) => _sessions.GetValueOrDefault(stationId);

    /// <summary>The session that serves <paramref name="connection"/>.</summary>
    public static StationSession Of(OcppConnection connection) =>
        (connection ?? throw new ArgumentNullException(nameof(connection))).State as StationSession
        ?? throw new InvalidOperationException($"The connection of {connection.StationId} has no session.");

    internal StationSession Open(OcppConnection connection, string? registrationStatus, int securityProfile, DateTimeOffset connectedAt)
    {
        var session = new StationSession(connection.StationId, connection, registrationStatus, securityProfile, connectedAt);
        connection.State = session;
        _sessions[connection.StationId] = session;
        return session;
    }

    internal void Close(StationSession session) =>
        _sessions.TryRemove(new KeyValuePair<string, StationSession>(session.StationId, session));

    /// <inheritdoc/>
    public bool IsConnected(string stationId) => _sessions.ContainsKey(stationId);

    /// <inheritdoc/>
    public Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse =>
        Connection(stationId).CallAsync(request, cancellationToken);

    /// <inheritdoc/>
    public Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        Connection(stationId).CallRawAsync(action, payload, cancellationToken);

    /// <inheritdoc/>
    public async Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (!_sessions.TryGetValue(stationId, out var session))
        {
            return false;
        }

        // A close frame's reason holds at most 123 bytes.
        while (Encoding.UTF8.GetByteCount(reason) > 123)
        {
            reason = reason[..^1];
        }

        session.CloseReason ??= CloseReasons.ByOperator;
        await session.Connection.CloseAsync(WebSocketCloseStatus.PolicyViolation, reason, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Closes every station's connection with 1001 (going away), as a CSMS that shuts down must so that its stations
    /// reconnect (to another node, or to it when it is back) instead of waiting for their keep-alive to notice.
    /// </summary>
    public Task CloseAllAsync(string reason, CancellationToken cancellationToken)
    {
        var closing = new List<Task>(_sessions.Count);
        foreach (var pair in _sessions)
        {
            closing.Add(pair.Value.Connection.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, reason, cancellationToken));
        }

        return Task.WhenAll(closing);
    }

    private OcppConnection Connection(string stationId) =>
        _sessions.TryGetValue(stationId, out var session) && session.Connection.IsOpen
            ? session.Connection
            : throw new StationNotConnectedException(stationId);
}
