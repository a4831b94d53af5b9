using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms;

/// <summary>
/// Work the CSMS starts on its own after answering a station (a call back to the station, say): owned, not
/// fire-and-forget. Each piece is tracked until it ends, its failure is logged, and the host's stop cancels it and waits
/// for it (this is disposed before the writer, which it is created after).
/// </summary>
public sealed class BackgroundWork(ILogger<BackgroundWork> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _lastId;

    /// <summary>How many pieces are running.</summary>
    public int Count => _running.Count;

    /// <summary>
    /// Starts <paramref name="work"/> on the thread pool, after the caller has returned; it gets a token that is
    /// cancelled when the host stops. <paramref name="what"/> names it in the log.
    /// </summary>
    public void Start(string what, Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (_stopping.IsCancellationRequested)
        {
            logger.LogInformation("{Work} was not started: the CSMS is stopping", what);
            return;
        }

        var id = Interlocked.Increment(ref _lastId);
        var task = RunAsync(id, what, work);
        _running[id] = task;

        // It may have ended before it was added: then it removed nothing, and is removed here.
        if (task.IsCompleted)
        {
            _running.TryRemove(id, out _);
        }
    }

    /// <summary>Waits for the pieces running now (a test waits for the CSMS's own calls this way).</summary>
    public async Task WaitAsync()
    {
        while (!_running.IsEmpty)
        {
            await Task.WhenAll(_running.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels what runs and waits for it to end.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await WaitAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task RunAsync(long id, string what, Func<CancellationToken, Task> work)
    {
        await Task.Yield();
        try
        {
            await work(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            logger.LogInformation("{Work} was cancelled: the CSMS is stopping", what);
        }
#pragma warning disable CA1031 // Work of its own must never take the process down; the failure is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "{Work} failed", what);
        }
        finally
        {
            _running.TryRemove(id, out _);
        }
    }
}
