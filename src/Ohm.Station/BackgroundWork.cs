using Microsoft.Extensions.Logging;

namespace Ohm.Station;

/// <summary>
/// The station's background tasks (reports sent after their answer, triggered messages, a restart after a reset):
/// every one is tracked so that stopping the station awaits it, and a failure is logged instead of going unobserved.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _running = [];

    public BackgroundWork(ILogger logger) => _logger = logger;

    /// <summary>How many tasks run now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _running.Count;
            }
        }
    }

    /// <summary>Starts <paramref name="work"/> on the thread pool and tracks it until it ends.</summary>
    public void Run(string what, Func<Task> work)
    {
        var task = Task.Run(() => ObserveAsync(what, work), CancellationToken.None);
        lock (_lock)
        {
            if (!task.IsCompleted)
            {
                _running.Add(task);
            }
        }

        // Removal after the add: a task that ended meanwhile is removed here (or was never added).
        _ = task.ContinueWith(Forget, TaskScheduler.Default);
    }

    /// <summary>Waits until every task started so far (and those they start) has ended.</summary>
    public async Task WhenIdleAsync()
    {
        while (true)
        {
            Task[] running;
            lock (_lock)
            {
                _running.RemoveWhere(t => t.IsCompleted);
                running = [.. _running];
            }

            if (running.Length == 0)
            {
                return;
            }

            // ObserveAsync never fails, so WhenAll never throws.
            await Task.WhenAll(running).ConfigureAwait(false);
        }
    }

    private void Forget(Task task)
    {
        lock (_lock)
        {
            _running.Remove(task);
        }
    }

    private async Task ObserveAsync(string what, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The station stops: cancelled work is expected.
        }
#pragma warning disable CA1031 // A background task's failure is logged, never rethrown into nobody's hands.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LogError(ex, "Background task '{Task}' failed", what);
        }
    }
}
