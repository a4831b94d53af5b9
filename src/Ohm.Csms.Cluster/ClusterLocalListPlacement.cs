using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Blocks;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>Places each station's local-list updates in its grain (<see cref="ILocalListGrain"/>).</summary>
public sealed partial class ClusterLocalListPlacement(IGrainFactory grains, BackgroundWork background, IHostApplicationLifetime lifetime, ILogger<ClusterLocalListPlacement> logger) : ILocalListPlacement
{
    /// <inheritdoc/>
    /// <remarks>Not once this node stops: the list stays Pending, and the station's connection to another node sends it.</remarks>
    public void Run(string stationId, bool verify)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        background.Start($"Local list update of {stationId}", async _ =>
        {
            try
            {
                await grains.GetGrain<ILocalListGrain>(stationId).SyncAsync(verify).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OrleansException or TimeoutException)
            {
                // The list stays Pending in the database: the station's next connection or change sends it.
                LogUnreachable(ex, stationId);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The local-list update of {StationId} could not be run where it is placed; it stays pending")]
    private partial void LogUnreachable(Exception exception, string stationId);
}
