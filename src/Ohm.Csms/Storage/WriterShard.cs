using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Storage;

/// <summary>
/// One writer loop of <see cref="CsmsWriter"/>: its own queue, and its own context whose connection stays open from
/// batch to batch. It runs a batch of queued work on the context, saves and commits once, then completes each piece.
/// </summary>
internal sealed class WriterShard : IAsyncDisposable
{

    private readonly CsmsDatabase _database;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CsmsMetrics? _metrics;
    private readonly Channel<IWriterWork> _queue = Channel.CreateBounded<IWriterWork>(new BoundedChannelOptions(20_000) { SingleReader = true });
    private readonly Task _loop;
    private CsmsDbContext? _db;
    private long _batches;
    private long _replayed;
    private int _largestBatchSize;
    private long _inFlightSince;

    public WriterShard(CsmsDatabase database, ILogger logger, TimeProvider time, CsmsMetrics? metrics)
    {
        _database = database;
        _logger = logger;
        _time = time;
        _metrics = metrics;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches committed.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Pieces run again alone after their batch failed.</summary>
    public long Replayed => Interlocked.Read(ref _replayed);

    /// <summary>The size of the largest batch run so far.</summary>
    public int LargestBatchSize => Volatile.Read(ref _largestBatchSize);

    /// <summary>Work queued and not yet taken into a batch.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>
    /// How long the oldest piece of work not yet committed has waited: the first of the running batch, else the first
    /// queued; zero when there is none. Costs a peek at the queue.
    /// </summary>
    public TimeSpan OldestPendingAge
    {
        get
        {
            var since = Volatile.Read(ref _inFlightSince);
            if (since == 0 && _queue.Reader.TryPeek(out var next))
            {
                since = next.EnqueuedAt;
            }

            return since == 0 ? TimeSpan.Zero : _time.GetElapsedTime(since);
        }
    }

    /// <summary>Whether any work is queued or in the running batch.</summary>
    public bool HasPending => Volatile.Read(ref _inFlightSince) != 0 || _queue.Reader.Count > 0;

    public ValueTask EnqueueAsync(IWriterWork work, CancellationToken cancellationToken)
    {
        work.EnqueuedAt = _time.GetTimestamp();
        return _queue.Writer.WriteAsync(work, cancellationToken);
    }

    /// <summary>Stops taking work, finishes what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await DropContextAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<IWriterWork>(CsmsWriter.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Bounded by size, not only by count: a batch holds at most MaxBatchSize, or one larger piece alone.
            var size = 0;
            while (_queue.Reader.TryPeek(out var next) && (batch.Count == 0 || size + next.Size <= CsmsWriter.MaxBatchSize) && _queue.Reader.TryRead(out var item))
            {
                if (batch.Count == 0)
                {
                    Volatile.Write(ref _inFlightSince, item.EnqueuedAt);
                }

                batch.Add(item);
                size += item.Size;
            }

            if (size > _largestBatchSize)
            {
                Volatile.Write(ref _largestBatchSize, size);
            }

            try
            {
                await RunBatchAsync(batch).ConfigureAwait(false);
                foreach (var work in batch)
                {
                    work.Complete();
                }
            }
#pragma warning disable CA1031 // The batch is retried piece by piece; each piece's own failure goes to its caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.LogWarning(ex, "A batch of {Count} writes failed; retrying them one by one", batch.Count);
                _metrics?.DatabaseError(ex);
                foreach (var work in batch)
                {
                    Interlocked.Increment(ref _replayed);
                    _metrics?.WriteRetried();
                    await RunAloneAsync(work).ConfigureAwait(false);
                }
            }

            batch.Clear();
            Volatile.Write(ref _inFlightSince, 0);
        }
    }

    private async Task RunBatchAsync(List<IWriterWork> batch)
    {
        var db = _db ??= await OpenContextAsync().ConfigureAwait(false);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        TimeSpan saved;
        try
        {
            var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
            await using var transactionDisposal = transaction.ConfigureAwait(false);
            foreach (var work in batch)
            {
                await work.RunAsync(db).ConfigureAwait(false);
            }

            await db.SaveChangesAsync().ConfigureAwait(false);
            saved = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            await transaction.CommitAsync().ConfigureAwait(false);
            Interlocked.Increment(ref _batches);
            _metrics?.BatchCommitted(batch.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            db.OnCommitted();
            db.ChangeTracker.Clear();
        }
        catch
        {
            // Whatever the context tracked or cached is suspect now: the next batch starts on a fresh one.
            await DropContextAsync().ConfigureAwait(false);
            throw;
        }

        _logger.LogDebug(
            "Wrote a batch of {Count}: work and save {Save:0.0} ms, commit included {Total:0.0} ms",
            batch.Count,
            saved.TotalMilliseconds,
            System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// The context lives from batch to batch with its connection open, so that the statements the hot paths build on it
    /// stay compiled; its change tracker is cleared after each commit.
    /// </summary>
    private async Task<CsmsDbContext> OpenContextAsync()
    {
        var db = _database.CreateContext();
        await db.Database.OpenConnectionAsync().ConfigureAwait(false);
        if (_database.Provider == DatabaseProvider.Sqlite)
        {
            // The writer touches index pages all over the tables (one station's transaction here, another's there): a page
            // cache of 64 MiB instead of SQLite's 2 MiB keeps them in memory between batches. Allocated only as used.
            await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -65536;").ConfigureAwait(false);
        }

        return db;
    }

    private async Task DropContextAsync()
    {
        if (_db is { } db)
        {
            _db = null;
            await db.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAloneAsync(IWriterWork work)
    {
        try
        {
            await RunBatchAsync([work]).ConfigureAwait(false);
            work.Complete();
        }
#pragma warning disable CA1031 // Reported to the caller that queued the work.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _metrics?.DatabaseError(ex);
            work.Fail(ex);
        }
    }
}

/// <summary>A piece of work queued to a writer shard.</summary>
internal interface IWriterWork
{
    /// <summary>An estimate of the rows the work writes; at least 1.</summary>
    int Size { get; }

    /// <summary>When it was queued (<see cref="TimeProvider.GetTimestamp"/> of the writer's clock).</summary>
    long EnqueuedAt { get; set; }

    Task RunAsync(CsmsDbContext db);

    void Complete();

    void Fail(Exception exception);
}
