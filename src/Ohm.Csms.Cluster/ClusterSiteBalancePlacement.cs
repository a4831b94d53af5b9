using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sites;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Places the balance of each root site in its grain (<see cref="ISiteBalancerGrain"/>), wherever the signal came from.
/// Memberships read by a node are read again after <see cref="MembershipLifetime"/>, since another node's API may change them.
/// </summary>
public sealed partial class ClusterSiteBalancePlacement(IGrainFactory grains, BackgroundWork background, IHostApplicationLifetime lifetime, ILogger<ClusterSiteBalancePlacement> logger) : ISiteBalancePlacement
{
    /// <inheritdoc/>
    public TimeSpan? MembershipLifetime => TimeSpan.FromSeconds(5);

    /// <inheritdoc/>
    /// <remarks>
    /// Not once this node stops (the silo leaves): the site's grain, wherever it is, sees a station of this node as not
    /// connected at its next balance, and the station's connection to another node asks for one.
    /// </remarks>
    public void Request(string rootSiteId, SiteStationChange? change)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        background.Start("site balance request " + rootSiteId, async _ =>
        {
            try
            {
                await grains.GetGrain<ISiteBalancerGrain>(rootSiteId).RequestAsync(change?.StationId, change?.Connected ?? false, change?.At ?? default).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // The next signal, or the site's own wake, asks again.
                LogUnreachable(ex, rootSiteId);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The balancer of site {SiteId} could not be reached; its next request runs it")]
    private partial void LogUnreachable(Exception exception, string siteId);
}
