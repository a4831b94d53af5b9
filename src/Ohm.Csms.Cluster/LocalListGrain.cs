using Microsoft.Extensions.Hosting;
using Ohm.Csms.Blocks;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// A station's local-list updates in the cluster: not reentrant, so one runs at a time wherever the change was made
/// (the work to do is the Pending list in the database); calls that arrive during one run after it.
/// </summary>
public sealed class LocalListGrain(LocalListDriver driver, IHostApplicationLifetime lifetime) : Grain, ILocalListGrain
{
    /// <inheritdoc/>
    public Task SyncAsync(bool verify) => driver.SyncHereAsync(this.GetPrimaryKeyString(), verify, lifetime.ApplicationStopping);
}
