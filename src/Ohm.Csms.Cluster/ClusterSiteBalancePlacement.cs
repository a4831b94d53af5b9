using System.Text.Json;
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
    /// <summary>How long an allocation view waits for the site's grain before it is computed on this node.</summary>
    public static readonly TimeSpan ViewBound = TimeSpan.FromSeconds(5);

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

    /// <inheritdoc/>
    /// <remarks>From the site's grain, so that every node shows what the balance's own memory (paused EVs, offline times) gives; computed here when the grain cannot be reached.</remarks>
    public async Task<SiteAllocationView?> ViewAsync(string rootSiteId, string siteId, Func<Task<SiteAllocationView?>> here, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(here);
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var call = grains.GetGrain<ISiteBalancerGrain>(rootSiteId).ViewAsync(siteId);
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default); // observed also when not awaited to its end
            try
            {
                var json = await call.WaitAsync(ViewBound, cancellationToken).ConfigureAwait(false);
                return json is null ? null : JsonSerializer.Deserialize(json, SitesJson.Default.SiteAllocationView);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                LogViewHere(ex, rootSiteId);
            }
        }

        return await here().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The balancer of site {SiteId} could not be reached for its allocation view; computed on this node")]
    private partial void LogViewHere(Exception exception, string siteId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The balancer of site {SiteId} could not be reached; its next request runs it")]
    private partial void LogUnreachable(Exception exception, string siteId);
}
