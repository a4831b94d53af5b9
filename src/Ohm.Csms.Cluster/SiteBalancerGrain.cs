using Ohm.Csms.Sites;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The balancer of one root site in the cluster: it runs the balance in the <see cref="SiteBalancer"/> of the node it is
/// activated on (which sends the profiles through the cluster's router, to stations on any node). Kept alive, so that
/// its node's memory of the site (profiles sent, offline times) stays the one in use; when its node dies it is activated
/// on another, which adopts the site: it rebuilds that memory from the database and sends every profile again.
/// </summary>
[KeepAlive]
public sealed class SiteBalancerGrain(SiteBalancer balancer) : Grain, ISiteBalancerGrain
{
    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        balancer.Adopt(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RequestAsync(string? stationId, bool connected, DateTimeOffset at)
    {
        balancer.RunHere(this.GetPrimaryKeyString(), stationId is null ? null : new SiteStationChange(stationId, connected, at));
        return Task.CompletedTask;
    }
}
