using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Storage;

/// <summary>
/// The single writer of the CSMS database. Work from every station queues here; the writer runs a batch of it in one
/// database transaction (each piece saved in turn, so later pieces see earlier ones) and commits once, then completes
/// each piece's task. A handler that awaits its work therefore answers only after its data is durable, and many
/// stations share one commit. If a batch fails, its pieces are run again one by one so that only the bad one fails.
/// </summary>
public sealed class CsmsWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly CsmsDatabase _database;
    private readonly ILogger<CsmsWriter> _logger;
    private readonly Channel<IWork> _queue = Channel.CreateBounded<IWork>(new BoundedChannelOptions(20_000) { SingleReader = true });
    private readonly Task _loop;

    /// <summary>Starts the writer loop.</summary>
    public CsmsWriter(CsmsDatabase database, ILogger<CsmsWriter> logger)
    {
        _database = database;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    private interface IWork
    {
        Task RunAsync(CsmsDbContext db);

        void Complete();

        void Fail(Exception exception);
    }

    /// <summary>Runs <paramref name="work"/> in the writer and returns its result once it is committed.</summary>
    public async Task<T> ExecuteAsync<T>(Func<CsmsDbContext, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var item = new Work<T>(work);
        await _queue.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        return await item.Task.ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="work"/> in the writer and returns once it is committed.</summary>
    public Task ExecuteAsync(Func<CsmsDbContext, Task> work, CancellationToken cancellationToken = default) =>
        ExecuteAsync(
            async db =>
            {
                await work(db).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>Stops taking work, finishes what is queued and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var batch = new List<IWork>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
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
                foreach (var work in batch)
                {
                    await RunAloneAsync(work).ConfigureAwait(false);
                }
            }

            batch.Clear();
        }
    }

    private async Task RunBatchAsync(List<IWork> batch)
    {
        await using var db = _database.CreateContext();
        await using var transaction = await db.Database.BeginTransactionAsync().ConfigureAwait(false);
        foreach (var work in batch)
        {
            await work.RunAsync(db).ConfigureAwait(false);
            await db.SaveChangesAsync().ConfigureAwait(false);
        }

        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private async Task RunAloneAsync(IWork work)
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
            work.Fail(ex);
        }
    }

    private sealed class Work<T>(Func<CsmsDbContext, Task<T>> work) : IWork
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public async Task RunAsync(CsmsDbContext db) => _result = await work(db).ConfigureAwait(false);

        public void Complete() => _done.TrySetResult(_result!);

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
