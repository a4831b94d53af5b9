using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>A node of the cluster as the station grains see it: the observer it registered for the stations it holds.</summary>
public interface IStationNode : IGrainObserver
{
    /// <summary>Sends a CALL to a station connected to this node and brings back what came of it.</summary>
    Task<NodeCallOutcome> CallRawAsync(string stationId, string action, byte[] payload);

    /// <summary>Closes the station's connection on this node (1008 with <paramref name="reason"/>); whether it was connected.</summary>
    Task<bool> DisconnectAsync(string stationId, string reason);
}
