using Microsoft.Extensions.Hosting;
using Ohm.Csms.Campaigns;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// A firmware campaign in the cluster: not reentrant, so its advances and its stop run one at a time wherever they were
/// asked for, each in the <see cref="FirmwareCampaigns"/> of the node it is activated on. Its state is in the database,
/// so an activation on another node (its node died, it was idle) goes on from there.
/// </summary>
public sealed class CampaignGrain(FirmwareCampaigns campaigns, IHostApplicationLifetime lifetime) : Grain, ICampaignGrain
{
    /// <inheritdoc/>
    public Task AdvanceAsync() => campaigns.AdvanceHereAsync(this.GetPrimaryKeyLong(), lifetime.ApplicationStopping);

    /// <inheritdoc/>
    public Task<bool> StopAsync(string reason) => campaigns.StopHereAsync(this.GetPrimaryKeyLong(), reason, lifetime.ApplicationStopping);
}
