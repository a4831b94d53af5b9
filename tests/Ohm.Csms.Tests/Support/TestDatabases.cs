using Npgsql;

namespace Ohm.Csms.Tests.Support;

/// <summary>
/// The databases the storage tests run on: SQLite always; PostgreSQL when OHM_TEST_POSTGRES names a server (CI starts
/// one with .ci/postgres) or when running in CI, where a missing server must fail rather than be left out.
/// </summary>
public static class TestDatabases
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static string? PostgresAdmin => Environment.GetEnvironmentVariable("OHM_TEST_POSTGRES");

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string> { Sqlite };
        if (PostgresAdmin is not null || Environment.GetEnvironmentVariable("CI") == "true")
        {
            data.Add(Postgres);
        }

        return data;
    }

    /// <summary>Settings for a fresh, empty database of the given kind; dispose the result to drop it.</summary>
    public static async Task<TestDatabase> CreateAsync(string kind)
    {
        var folder = Directory.CreateTempSubdirectory("ohm-csms-test-").FullName;
        if (kind == Sqlite)
        {
            return new TestDatabase(folder, null, null);
        }

        var admin = PostgresAdmin ?? throw new InvalidOperationException("OHM_TEST_POSTGRES is not set: start a server with `eval \"$(.ci/postgres start)\"`.");
        var name = "ohm_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(folder, builder.ToString(), name);
    }
}

public sealed class TestDatabase(string folder, string? postgres, string? postgresName) : IAsyncDisposable
{
    public string Folder { get; } = folder;

    /// <summary>The configuration that selects this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
        postgres is null
            ? [new("Storage:DataFolder", Folder)]
            : [new("Storage:DataFolder", Folder), new("Storage:Database", postgres)];

    public async ValueTask DisposeAsync()
    {
        if (postgresName is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestDatabases.PostgresAdmin);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
