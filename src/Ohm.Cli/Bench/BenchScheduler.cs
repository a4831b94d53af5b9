namespace Ohm.Cli.Bench;

/// <summary>
/// The one timer of the benchmark: stations that pause between calls wait on it instead of holding a timer each.
/// It wakes every 5 ms and releases the waits that are due.
/// </summary>
public sealed class BenchScheduler : IAsyncDisposable
{
    private readonly PriorityQueue<TaskCompletionSource, long> _due = new();
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public BenchScheduler()
    {
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Completes after <paramref name="delay"/> (to the next 5 ms tick); at once for zero.</summary>
    public Task WaitAsync(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _due.Enqueue(waiter, Environment.TickCount64 + (long)delay.TotalMilliseconds);
        }

        return waiter.Task;
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                lock (_lock)
                {
                    while (_due.TryPeek(out var waiter, out var at) && at <= now)
                    {
                        _due.Dequeue();
                        waiter.TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        lock (_lock)
        {
            while (_due.TryDequeue(out var waiter, out _))
            {
                waiter.TrySetCanceled();
            }
        }

        _stop.Dispose();
    }
}
