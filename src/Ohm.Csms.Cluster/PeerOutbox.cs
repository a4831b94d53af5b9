using System.Threading.Channels;

namespace Ohm.Csms.Cluster;

/// <summary>
/// What one node sends one peer of one kind (fleet changes, events): a bounded queue that a publisher never waits on,
/// and one batch in flight at a time, so that what is published while a batch travels goes together in the next one
/// and the peer receives it in the order it was published. A peer that falls <see cref="Capacity"/> items behind (slow,
/// or dead until the membership drops it) loses the oldest: these are live views, not a delivery guarantee.
/// </summary>
/// <typeparam name="T">What is sent.</typeparam>
internal sealed class PeerOutbox<T> : IAsyncDisposable
{
    /// <summary>How many items may wait for the peer.</summary>
    public const int Capacity = 8192;

    /// <summary>The most items one batch carries.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<T> _queue;
    private readonly Func<T[], CancellationToken, Task> _send;
    private readonly Action<Exception, int> _failed;
    private readonly Action<long> _dropped;
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _pump;
    private long _droppedCount;
    private long _droppedReported;

    /// <param name="send">Sends a batch; the token ends the wait when the outbox is disposed.</param>
    /// <param name="failed">Told of a batch that could not be sent (and its size); the next is sent anyway.</param>
    /// <param name="dropped">Told, before the next batch, how many items were dropped since the last time.</param>
    public PeerOutbox(Func<T[], CancellationToken, Task> send, Action<Exception, int> failed, Action<long> dropped)
    {
        _send = send;
        _failed = failed;
        _dropped = dropped;
        _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _droppedCount));
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Batches sent so far.</summary>
    public long Batches { get; private set; }

    /// <summary>Queues <paramref name="item"/> for the peer; never waits.</summary>
    public void Post(T item) => _queue.Writer.TryWrite(item);

    /// <summary>Stops: what is still queued is not sent, and a batch in flight is not waited for.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _closing.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(false);
        _closing.Dispose();
    }

    private async Task PumpAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<T>(MaxBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            var dropped = Volatile.Read(ref _droppedCount);
            if (dropped != _droppedReported)
            {
                _dropped(dropped - _droppedReported);
                _droppedReported = dropped;
            }

            if (batch.Count == 0)
            {
                continue;
            }

            T[] items = [.. batch];
            batch.Clear();
            if (_closing.IsCancellationRequested)
            {
                continue; // closing: the rest is not sent
            }

            try
            {
                Batches++;
                await _send(items, _closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_closing.IsCancellationRequested)
            {
                // disposed while the batch travelled
            }
#pragma warning disable CA1031 // A batch the peer did not take is lost for it (a live view); the next one is sent.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _failed(ex, items.Length);
            }
        }
    }
}
