using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Csms.Events;

namespace Ohm.Csms.Console.Components;

/// <summary>
/// Redraws a view on the fleet changes it cares about, at most once per <see cref="Interval"/>: the changes of a burst
/// (a fleet that reconnects) make one reload, not one each. Every live page uses it. Stops when disposed. A reload that
/// fails (the database out of reach) is logged as a warning and the view keeps what it showed until the next change; no
/// reload's exception is left unobserved.
/// </summary>
internal sealed class LiveRefresh : IDisposable
{
    /// <summary>The least time between two reloads.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private readonly CancellationTokenSource _stop;
    private readonly TimeProvider _time;
    private readonly Func<FleetChange, bool> _wanted;
    private readonly Func<Task> _reload;
    private readonly ILogger _log;
    private int _pending;

    private LiveRefresh(TimeProvider time, Func<FleetChange, bool> wanted, Func<Task> reload, ILogger log, CancellationToken stopping)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _time = time;
        _wanted = wanted;
        _reload = reload;
        _log = log;
    }

    /// <summary>
    /// As <see cref="Start(IFleetChanges, TimeProvider, ILogger, Func{FleetChange, bool}, Func{Task}, CancellationToken)"/>
    /// with the page's services: the fleet changes, the clock, the logging, and the host's stopping, from which no view
    /// reloads (a redraw while the host disposes its services would fail in the renderer).
    /// </summary>
    public static LiveRefresh Start(IServiceProvider services, Func<FleetChange, bool> wanted, Func<Task> reload)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Start(
            services.GetRequiredService<IFleetChanges>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILoggerFactory>()?.CreateLogger<LiveRefresh>() ?? NullLogger<LiveRefresh>.Instance,
            wanted,
            reload,
            services.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None);
    }

    /// <summary>
    /// Subscribes now, and calls <paramref name="reload"/> after the changes <paramref name="wanted"/> selects, until
    /// disposed or <paramref name="stopping"/>; a failed reload goes to <paramref name="log"/>.
    /// </summary>
    public static LiveRefresh Start(IFleetChanges changes, TimeProvider time, ILogger log, Func<FleetChange, bool> wanted, Func<Task> reload, CancellationToken stopping = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var live = new LiveRefresh(time, wanted, reload, log, stopping);
        var enumerator = changes.SubscribeAsync(live._stop.Token).GetAsyncEnumerator(live._stop.Token);
        var first = enumerator.MoveNextAsync(); // subscribed from here on, before the first render's data is read
        _ = live.ReadAsync(enumerator, first);
        return live;
    }

    private async Task ReadAsync(IAsyncEnumerator<FleetChange> changes, ValueTask<bool> next)
    {
        try
        {
            while (await next)
            {
                if (_wanted(changes.Current))
                {
                    Request();
                }

                next = changes.MoveNextAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await changes.DisposeAsync();
        }
    }

    /// <summary>Asks for a reload (a timer's, say), throttled with the changes' own.</summary>
    public void Request()
    {
        if (!_stop.IsCancellationRequested && Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _ = ReloadSoonAsync();
        }
    }

    private async Task ReloadSoonAsync()
    {
        try
        {
            await Task.Delay(Interval, _time, _stop.Token);
            Volatile.Write(ref _pending, 0);
            await _reload();
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The view is gone.
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The view went while its reload ran (the host stopping, its database already closed): nothing is left to show it on.
        }
        catch (Exception ex)
        {
            // A fire-and-forget reload: its failure is said here or nowhere. The next change or timer tries again.
            _log.LogWarning(ex, "A live view's reload failed; it shows its previous data until the next change");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
