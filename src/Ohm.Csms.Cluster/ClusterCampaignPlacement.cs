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
    public Task<bool> StopAsync(long campaignId, string reason, CancellationToken cancellationToken) =>
        grains.GetGrain<ICampaignGrain>(campaignId).StopAsync(reason).WaitAsync(cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firmware campaign {CampaignId} could not be advanced where it runs; its next tick tries again")]
    private partial void LogUnreachable(Exception exception, long campaignId);
}
