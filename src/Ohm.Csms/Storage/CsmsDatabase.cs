using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Ohm.Csms.Storage;

/// <summary>The database provider.</summary>
public enum DatabaseProvider
{
    /// <summary>SQLite, the embedded default: a file in the data folder, in WAL mode.</summary>
    Sqlite,

    /// <summary>PostgreSQL, chosen by a connection string with a Host.</summary>
    Postgres,
}

/// <summary>Opens the CSMS database and applies the checked-in migrations.</summary>
public sealed class CsmsDatabase
{
    private readonly DbContextOptions<SqliteCsmsDbContext>? _sqlite;
    private readonly DbContextOptions<PostgresCsmsDbContext>? _postgres;
    private readonly string _connectionString;

    /// <summary>Opens the database of <paramref name="connectionString"/>; a string with <c>Host=</c> is PostgreSQL, anything else SQLite.</summary>
    public CsmsDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        Provider = connectionString.Contains("Host=", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;
        if (Provider == DatabaseProvider.Postgres)
        {
            _postgres = new DbContextOptionsBuilder<PostgresCsmsDbContext>().UseNpgsql(connectionString).Options;
        }
        else
        {
            var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true, DefaultTimeout = 30 };
            _sqlite = new DbContextOptionsBuilder<SqliteCsmsDbContext>().UseSqlite(builder.ToString()).Options;
        }

        Description = Provider == DatabaseProvider.Sqlite
            ? "SQLite " + new SqliteConnectionStringBuilder(connectionString).DataSource
            : "PostgreSQL " + new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Password = null }.ToString();
    }

    /// <summary>The SQLite database file in <paramref name="dataFolder"/>, created if needed.</summary>
    public static CsmsDatabase InDataFolder(string dataFolder)
    {
        Directory.CreateDirectory(dataFolder);
        return new CsmsDatabase(new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataFolder, "ohm-csms.db") }.ToString());
    }

    /// <summary>Which database this is.</summary>
    public DatabaseProvider Provider { get; }

    /// <summary>Where the database is, without secrets, for the start-up message.</summary>
    public string Description { get; }

    /// <summary>The id tokens read lately; every context of this database evicts the tokens it saves.</summary>
    public IdTokenCache Tokens { get; } = new();

    /// <summary>Told, per station, how many stored device-model rows a write of its variables read; for tests.</summary>
    internal Action<string, int>? DeviceVariablesLoaded { get; set; }

    /// <summary>A new context; dispose it.</summary>
    public CsmsDbContext CreateContext()
    {
        CsmsDbContext db = Provider == DatabaseProvider.Sqlite ? new SqliteCsmsDbContext(_sqlite!) : new PostgresCsmsDbContext(_postgres!);
        db.Tokens = Tokens;
        db.DeviceVariablesLoaded = (stationId, rows) => DeviceVariablesLoaded?.Invoke(stationId, rows);
        return db;
    }

    /// <summary>
    /// One round trip to the database on a connection of its own, for the health check: counts the applied migrations.
    /// SQLite opens the file without creating it (a missing or unreadable file fails) and without the pool; PostgreSQL
    /// takes a pooled connection, whose query fails when the server or the database is gone. Throws when the database
    /// does not answer within <paramref name="timeout"/>.
    /// </summary>
    public async Task<long> ProbeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        System.Data.Common.DbConnection connection = Provider == DatabaseProvider.Sqlite
            ? new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = seconds }.ToString())
            : new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(_connectionString) { Timeout = seconds, CommandTimeout = seconds }.ToString());
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(deadline.Token).ConfigureAwait(false);
            var command = connection.CreateCommand();
            await using var commandDisposal = command.ConfigureAwait(false);
            command.CommandText = "SELECT COUNT(*) FROM \"__EFMigrationsHistory\"";
            command.CommandTimeout = seconds;
            return Convert.ToInt64(await command.ExecuteScalarAsync(deadline.Token).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Applies the migrations that the database lacks; on SQLite also turns on WAL mode.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var db = CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
    }
}
