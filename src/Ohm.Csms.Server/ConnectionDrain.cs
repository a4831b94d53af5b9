using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Server;

/// <summary>
/// When the host stops, closes the stations' connections (1001, going away) before the server stops: otherwise each
/// WebSocket would hold the shutdown until Kestrel's shutdown timeout and then be aborted, with an error logged for each,
/// and the stations would learn of it only from their keep-alive. From that moment the OCPP endpoint refuses new
/// WebSockets (503, <see cref="Draining"/>), so that a closed station reconnects to another node, not to this one again.
/// In cluster mode it then waits, within the same bound, until the station grains have been told that this node no
/// longer holds them (the presence's updates are background work); only after that does the node's observer go and
/// the silo leave the cluster (their hosted services stop after this one's StoppingAsync).
/// </summary>
internal sealed class ConnectionDrain(StationSessions sessions, StationConnections connections, BackgroundWork background, ILogger<ConnectionDrain> logger, Ohm.Csms.Cluster.ClusterStationPresence? clusterPresence = null)
    : IHostedLifecycleService
{
    /// <summary>How long the close handshakes (and, in cluster mode, the grains' updates) may take together; a station that does not answer its close is aborted.</summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    private volatile bool _draining;

    /// <summary>Whether the host is stopping: new station connections are refused from then on.</summary>
    public bool Draining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        connections.HostStopping();
        var count = sessions.Count;
        if (count == 0)
        {
            return;
        }

        logger.LogInformation("Closing the connections of {Count} stations (1001, going away)", count);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CloseTimeout);
        try
        {
            await sessions.CloseAllAsync("The CSMS is shutting down", timeout.Token).ConfigureAwait(false);
            if (clusterPresence is not null)
            {
                // The sessions end (and the presence enqueues its updates) as the closes complete; then the updates run.
                while (sessions.Count > 0)
                {
                    await Task.Delay(10, timeout.Token).ConfigureAwait(false);
                }

                await background.WaitAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Not every station answered its close within {Seconds} s; the rest are aborted", CloseTimeout.TotalSeconds);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
