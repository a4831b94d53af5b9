using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>One per station (key: the station id): which node holds the station's WebSocket, and calls routed there.</summary>
public interface IStationGrain : IGrainWithStringKey
{
    /// <summary>The station connected to <paramref name="node"/> (named <paramref name="nodeName"/>); its connection number there is <paramref name="connection"/>.</summary>
    Task ConnectedAsync(string nodeName, long connection, IStationNode node);

    /// <summary>
    /// <paramref name="node"/> still holds the station (connection <paramref name="connection"/>): told again after a node
    /// died, so that a grain that came back empty knows its station again. A grain that knows a holder keeps it.
    /// </summary>
    Task AnnouncedAsync(string nodeName, long connection, IStationNode node);

    /// <summary>The connection <paramref name="connection"/> of the station on <paramref name="nodeName"/> closed; ignored when a newer one holds the station.</summary>
    Task DisconnectedAsync(string nodeName, long connection);

    /// <summary>The node that holds the station, or null when it is connected nowhere.</summary>
    Task<string?> NodeAsync();

    /// <summary>Sends a CALL to the station through the node that holds it.</summary>
    Task<NodeCallOutcome> CallRawAsync(string action, byte[] payload);

    /// <summary>Closes the station's connection wherever it is; whether it was connected.</summary>
    Task<bool> DisconnectAsync(string reason);
}
