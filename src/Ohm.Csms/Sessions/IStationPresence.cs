namespace Ohm.Csms.Sessions;

/// <summary>
/// Told when a station's connection to this process opens and closes, where the fleet's Connected and Disconnected
/// changes are published. One process needs nothing (<see cref="NoStationPresence"/>); a cluster records there which
/// node holds the station's WebSocket.
/// </summary>
public interface IStationPresence
{
    /// <summary>The station connected to this process (its session is open).</summary>
    void OnConnected(string stationId);

    /// <summary>A connection of the station to this process closed (its session is closed; a newer one may be open).</summary>
    void OnDisconnected(string stationId);
}

/// <summary>The presence of one process: nothing to tell anyone.</summary>
public sealed class NoStationPresence : IStationPresence
{
    /// <inheritdoc/>
    public void OnConnected(string stationId)
    {
    }

    /// <inheritdoc/>
    public void OnDisconnected(string stationId)
    {
    }
}
