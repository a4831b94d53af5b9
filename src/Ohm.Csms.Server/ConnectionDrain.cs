using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Server;

/// <summary>
/// When the host stops, closes the stations' connections (1001, going away) before the server stops: otherwise each
/// WebSocket would hold the shutdown until Kestrel's shutdown timeout and then be aborted, with an error logged for each,
/// and the stations would learn of it only from their keep-alive.
/// </summary>
internal sealed class ConnectionDrain(StationSessions sessions, StationConnections connections, ILogger<ConnectionDrain> logger) : IHostedLifecycleService
{
    /// <summary>How long the close handshakes may take together; a station that does not answer its close is aborted.</summary>
    internal static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
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
