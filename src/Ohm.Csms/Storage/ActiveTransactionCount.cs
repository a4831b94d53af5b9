using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Storage;

/// <summary>
/// The number of transactions stored as active, for the <c>ohm.csms.transactions.active</c> gauge. Read from the
/// database, so that a transaction of a station that is disconnected, or that was open before a restart, still counts;
/// read at most once per <paramref name="refresh"/> (a scrape in between gets the last count), on the (State,
/// StartedAt) index.
/// </summary>
public sealed class ActiveTransactionCount(CsmsDatabase database, TimeProvider time, TimeSpan refresh, ILogger<ActiveTransactionCount> logger, CsmsMetrics? metrics = null)
{
    private readonly Lock _lock = new();
    private long? _value;
    private long _readAt;
    private bool _read;

    /// <summary>How many reads of the database there were (the tests check the cache with it).</summary>
    public int Reads { get; private set; }

    /// <summary>The count, at most <c>refresh</c> old; null when the database could not be read.</summary>
    public long? Current()
    {
        lock (_lock)
        {
            if (_read && time.GetElapsedTime(_readAt) < refresh)
            {
                return _value;
            }

            _readAt = time.GetTimestamp();
            _read = true;
            Reads++;
            try
            {
                using var db = database.CreateContext();
                db.Database.SetCommandTimeout(TimeSpan.FromSeconds(5));
                _value = db.Transactions.LongCount(t => t.State == "Active");
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("Could not count the active transactions for the metrics: {Reason}", ex.Message);
                metrics?.DatabaseError(ex);
                _value = null;
            }

            return _value;
        }
    }
}
