using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Campaigns;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>Places each firmware campaign in its grain (<see cref="ICampaignGrain"/>).</summary>
public sealed partial class ClusterCampaignPlacement(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<ClusterCampaignPlacement> logger) : ICampaignPlacement
{
    /// <inheritdoc/>
    /// <remarks>Not once this node stops: the campaign's state is in the database, and another node advances it.</remarks>
    public async Task AdvanceAsync(long campaignId, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        var call = grains.GetGrain<ICampaignGrain>(campaignId).AdvanceAsync();
        try
        {
            await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            // The campaign's state is in the database: the next tick or update's end advances it again.
            LogUnreachable(ex, campaignId);
        }
        catch (OperationCanceledException)
        {
            _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>A grain that cannot be reached is a <see cref="CampaignUnreachableException"/> (nothing was stopped).</remarks>
    public async Task<bool> StopAsync(long campaignId, string reason, CancellationToken cancellationToken)
    {
        try
        {
            return await grains.GetGrain<ICampaignGrain>(campaignId).StopAsync(reason).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OrleansException or TimeoutException)
        {
            LogStopUnreachable(ex, campaignId);
            throw new CampaignUnreachableException($"Firmware campaign {campaignId} runs on a node that does not answer now ({ex.GetType().Name}); try again in a few seconds.", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firmware campaign {CampaignId} could not be stopped where it runs")]
    private partial void LogStopUnreachable(Exception exception, long campaignId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firmware campaign {CampaignId} could not be advanced where it runs; its next tick tries again")]
    private partial void LogUnreachable(Exception exception, long campaignId);
}
