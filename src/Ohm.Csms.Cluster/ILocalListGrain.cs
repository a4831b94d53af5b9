using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>One per station (key: the station id): where its local-list updates run in the cluster, one at a time.</summary>
public interface ILocalListGrain : IGrainWithStringKey
{
    /// <summary>Runs one update of the station's list (<paramref name="verify"/>: its version is asked first, D02).</summary>
    Task SyncAsync(bool verify);
}
