using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Ohm.Csms.Sites;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The balancer of one root site in the cluster: it runs the balance in the <see cref="SiteBalancer"/> of the node it is
/// activated on (which sends the profiles through the cluster's router, to stations on any node). Kept alive, so that
/// its node's memory of the site (profiles sent, offline times) stays the one in use; when its node dies it is activated
/// on another, which adopts the site: it rebuilds that memory from the database and sends every profile again. When its
/// node begins to stop, or the grain leaves it, that node's balancer releases the site (its run ends at its next step).
/// </summary>
[KeepAlive]
public sealed class SiteBalancerGrain(SiteBalancer balancer, IHostApplicationLifetime lifetime) : Grain, ISiteBalancerGrain
{
    private CancellationTokenRegistration _stopping;

    /// <inheritdoc/>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var root = this.GetPrimaryKeyString();
        balancer.Adopt(root);
        _stopping = lifetime.ApplicationStopping.Register(() => balancer.Release(root));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _stopping.DisposeAsync().ConfigureAwait(true);
        balancer.Release(this.GetPrimaryKeyString());
    }

    /// <inheritdoc/>
    public Task RequestAsync(string? stationId, bool connected, DateTimeOffset at)
    {
        balancer.RunHere(this.GetPrimaryKeyString(), stationId is null ? null : new SiteStationChange(stationId, connected, at));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task<byte[]?> ViewAsync(string siteId)
    {
        var view = await balancer.ViewHereAsync(this.GetPrimaryKeyString(), siteId, CancellationToken.None).ConfigureAwait(true);
        return view is null ? null : JsonSerializer.SerializeToUtf8Bytes(view, SitesJson.Default.SiteAllocationView);
    }
}
