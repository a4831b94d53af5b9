using Microsoft.Data.Sqlite;

namespace Ohm.Station;

/// <summary>
/// The station's durable state in one SQLite file (WAL, synchronous FULL): device-model values that were set, the
/// message queue and small keyed records (transactions, counters). Every write is committed before it returns, so a
/// killed process loses nothing that a method has returned from.
/// </summary>
public sealed class StationStore : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly Lock _lock = new();
    private bool _closed;
    private int _closedQueueLength;

    /// <summary>Opens (or creates) the store in <paramref name="directory"/>.</summary>
    public StationStore(string directory)
    {
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, "station.db");
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=FULL;
            CREATE TABLE IF NOT EXISTS variables (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS queue (id INTEGER PRIMARY KEY AUTOINCREMENT, action TEXT NOT NULL, payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0);
            """);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>All variable values that were set, by key.</summary>
    public Dictionary<string, string> LoadVariables()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM variables";
            using var reader = cmd.ExecuteReader();
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                result[reader.GetString(0)] = reader.GetString(1);
            }

            return result;
        }
    }

    /// <summary>Stores a variable value.</summary>
    public void SaveVariable(string key, string value) => Upsert("variables", key, value);

    /// <summary>Reads a keyed record, or null.</summary>
    public string? GetRecord(string key)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT value FROM records WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            return cmd.ExecuteScalar() as string;
        }
    }

    /// <summary>Writes a keyed record.</summary>
    public void SetRecord(string key, string value) => Upsert("records", key, value);

    /// <summary>Deletes a keyed record.</summary>
    public void DeleteRecord(string key)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "DELETE FROM records WHERE key = $k";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Every keyed record whose key starts with <paramref name="prefix"/>.</summary>
    public Dictionary<string, string> GetRecords(string prefix)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT key, value FROM records WHERE substr(key, 1, length($p)) = $p";
            cmd.Parameters.AddWithValue("$p", prefix);
            using var reader = cmd.ExecuteReader();
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                result[reader.GetString(0)] = reader.GetString(1);
            }

            return result;
        }
    }

    /// <summary>Deletes every keyed record whose key starts with <paramref name="prefix"/>.</summary>
    public void DeleteRecords(string prefix)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "DELETE FROM records WHERE substr(key, 1, length($p)) = $p";
            cmd.Parameters.AddWithValue("$p", prefix);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// Applies several record changes in one transaction, all or nothing: first deletes every record whose key starts
    /// with <paramref name="clearPrefix"/> (when given), then writes each change (a null value deletes the key).
    /// </summary>
    public void WriteRecords(string? clearPrefix, IEnumerable<KeyValuePair<string, string?>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            if (clearPrefix is not null)
            {
                using var clear = _db.CreateCommand();
                clear.Transaction = tx;
                clear.CommandText = "DELETE FROM records WHERE substr(key, 1, length($p)) = $p";
                clear.Parameters.AddWithValue("$p", clearPrefix);
                clear.ExecuteNonQuery();
            }

            foreach (var (key, value) in changes)
            {
                using var cmd = _db.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = value is null
                    ? "DELETE FROM records WHERE key = $k"
                    : "INSERT INTO records(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
                cmd.Parameters.AddWithValue("$k", key);
                if (value is not null)
                {
                    cmd.Parameters.AddWithValue("$v", value);
                }

                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    /// <summary>Reads and increments a persistent counter in one transaction; returns the value before the increment.</summary>
    public int NextCounter(string key)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            using var read = _db.CreateCommand();
            read.Transaction = tx;
            read.CommandText = "SELECT value FROM records WHERE key = $k";
            read.Parameters.AddWithValue("$k", key);
            var current = read.ExecuteScalar() is string s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : 0;
            using var write = _db.CreateCommand();
            write.Transaction = tx;
            write.CommandText = "INSERT INTO records(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            write.Parameters.AddWithValue("$k", key);
            write.Parameters.AddWithValue("$v", (current + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            write.ExecuteNonQuery();
            tx.Commit();
            return current;
        }
    }

    /// <summary>Appends a message to the queue.</summary>
    public long Enqueue(string action, byte[] payload)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "INSERT INTO queue(action, payload) VALUES($a, $p); SELECT last_insert_rowid();";
            cmd.Parameters.AddWithValue("$a", action);
            cmd.Parameters.AddWithValue("$p", payload);
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>The oldest queued message, or null.</summary>
    public QueuedMessage? PeekQueue()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT id, action, payload, attempts FROM queue ORDER BY id LIMIT 1";
            using var reader = cmd.ExecuteReader();
            return reader.Read()
                ? new QueuedMessage(reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2), reader.GetInt32(3))
                : null;
        }
    }

    /// <summary>Every queued message, oldest first.</summary>
    public List<QueuedMessage> PeekAll()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT id, action, payload, attempts FROM queue ORDER BY id";
            using var reader = cmd.ExecuteReader();
            var result = new List<QueuedMessage>();
            while (reader.Read())
            {
                result.Add(new QueuedMessage(reader.GetInt64(0), reader.GetString(1), (byte[])reader.GetValue(2), reader.GetInt32(3)));
            }

            return result;
        }
    }

    /// <summary>
    /// The number of queued messages. Once the store is closed (a reboot closes it and opens another), the count it had
    /// when it closed: nothing can be queued in it any more, so that is still the number waiting, and a reader polling
    /// the station during a reboot gets an answer rather than an exception.
    /// </summary>
    public int QueueLength()
    {
        lock (_lock)
        {
            return _closed ? _closedQueueLength : CountQueue();
        }
    }

    /// <summary>Counts the queue; the caller holds the lock.</summary>
    private int CountQueue()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM queue";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Removes a message from the queue (sent, or given up).</summary>
    public void Dequeue(long id)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "DELETE FROM queue WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Counts a failed attempt of a queued message.</summary>
    public void CountAttempt(long id)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "UPDATE queue SET attempts = attempts + 1 WHERE id = $id";
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closedQueueLength = CountQueue();
            _closed = true;
            _db.Dispose();
        }
    }

    private void Upsert(string table, string key, string value)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = $"INSERT INTO {table}(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", value);
            cmd.ExecuteNonQuery();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}

/// <summary>A message waiting in the persistent queue.</summary>
public sealed record QueuedMessage(long Id, string Action, byte[] Payload, int Attempts);
