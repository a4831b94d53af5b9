using Microsoft.Extensions.Logging;
using Npgsql;
using Ohm.Csms.Events;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The webhook delivery lease of a cluster: a PostgreSQL session-level advisory lock held on a connection of its own.
/// The node that takes it delivers; the connection LISTENs on <see cref="Channel"/>, where the other nodes NOTIFY when
/// they wrote outbox rows. The lock goes with the connection: when its node dies or stops, PostgreSQL drops the session
/// and another node, trying every <see cref="RetryEvery"/>, takes it. The holder checks its connection every
/// <see cref="CheckEvery"/>; a broken one loses the lease.
/// </summary>
public sealed partial class PostgresWebhookLease : IWebhookDeliveryLease, IAsyncDisposable
{
    /// <summary>The channel the holder listens on.</summary>
    public const string Channel = "ohm_webhooks";

    /// <summary>How often a node that does not hold the lock tries to take it.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(2);

    /// <summary>How often the holder proves its connection (and so its lock) still there.</summary>
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(5);

    /// <summary>The advisory lock's key ("OhmWebhk"), in the database's own lock space.</summary>
    private const long LockKey = 0x4F686D5765626B;

    private readonly string _dedicated;
    private readonly NpgsqlDataSource _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresWebhookLease> _logger;
    private Task _listening = Task.CompletedTask;
    private int _notifying;
    private int _notifyAgain;

    /// <summary>A lease on the CSMS's PostgreSQL database.</summary>
    public PostgresWebhookLease(string connectionString, TimeProvider time, ILogger<PostgresWebhookLease> logger)
    {
        // Its own session, not a pooled one: closing it must end the session, and so release the lock.
        _dedicated = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Enlist = false }.ConnectionString;
        _notifier = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 2 }.ConnectionString);
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<CancellationToken> AcquireAsync(Action woken, CancellationToken stopping)
    {
        await _listening.ConfigureAwait(false); // a lost lease's connection is closed first
        while (true)
        {
            stopping.ThrowIfCancellationRequested();
            var connection = new NpgsqlConnection(_dedicated);
            try
            {
                await connection.OpenAsync(stopping).ConfigureAwait(false);
                await using (var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection))
                {
                    take.Parameters.AddWithValue("key", LockKey);
                    if (await take.ExecuteScalarAsync(stopping).ConfigureAwait(false) is true)
                    {
                        await using (var listen = new NpgsqlCommand("LISTEN " + Channel, connection))
                        {
                            await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                        }

                        connection.Notification += (_, _) => woken();
                        // The token is taken before the holder starts: when the process stopped meanwhile, the holder
                        // ends at once and disposes its source, and the token it leaves is a cancelled one.
                        var lost = new CancellationTokenSource();
                        var lostToken = lost.Token;
                        _listening = HoldAsync(connection, lost, stopping);
                        return lostToken;
                    }
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException && !stopping.IsCancellationRequested)
            {
                LogTakeFailed(ex);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            await Task.Delay(RetryEvery, _time, stopping).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Notify()
    {
        Interlocked.Exchange(ref _notifyAgain, 1);
        if (Interlocked.CompareExchange(ref _notifying, 1, 0) == 0)
        {
            _ = NotifyAsync();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _listening.ConfigureAwait(false);
        await _notifier.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Holds the lock until <paramref name="stopping"/> or a broken connection; then it is closed, and the lock with it.</summary>
    private async Task HoldAsync(NpgsqlConnection connection, CancellationTokenSource lost, CancellationToken stopping)
    {
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                if (!await connection.WaitAsync(CheckEvery, stopping).ConfigureAwait(false))
                {
                    await using var check = new NpgsqlCommand("SELECT 1", connection);
                    await check.ExecuteScalarAsync(stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The process stops: the lease is given up.
        }
#pragma warning disable CA1031 // Whatever broke the connection loses the lease; another node or a new connection takes it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLost(ex);
        }
        finally
        {
            await lost.CancelAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            lost.Dispose();
        }
    }

    /// <summary>NOTIFYs once, and once more if told again meanwhile: many rows written at once cost few notifications.</summary>
    private async Task NotifyAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _notifyAgain, 0) == 1)
            {
                await using var notify = _notifier.CreateCommand("SELECT pg_notify('" + Channel + "', '')");
                await notify.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // The holder also looks when its rows fall due and after each pass; a lost notification only delays.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogNotifyFailed(ex);
        }
        finally
        {
            Volatile.Write(ref _notifying, 0);
            if (Volatile.Read(ref _notifyAgain) == 1 && Interlocked.CompareExchange(ref _notifying, 1, 0) == 0)
            {
                _ = NotifyAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not try to take the webhook delivery lease; trying again")]
    private partial void LogTakeFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The connection that held the webhook delivery lease broke; the lease is lost")]
    private partial void LogLost(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the webhook delivery lease's holder of new rows; it finds them at its next pass")]
    private partial void LogNotifyFailed(Exception exception);
}
