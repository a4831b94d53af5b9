using Npgsql;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The tables and queries Orleans' ADO.NET clustering reads (its contract: the table OrleansQuery holds the query of each
/// key, the column and parameter names are Orleans'), created in the CSMS's PostgreSQL when missing. Idempotent, and
/// safe when several nodes start at once: one transaction under an advisory lock.
/// </summary>
public static class ClusterSchema
{
    /// <summary>The advisory lock the creation holds (any constant of Ohm's own).</summary>
    private const long CreationLock = 0x4F686D436C7573; // "OhmClus"

    private const string Tables = """
        CREATE TABLE IF NOT EXISTS OrleansQuery
        (
            QueryKey varchar(64) NOT NULL,
            QueryText varchar(8000) NOT NULL,
            CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
        );
        CREATE TABLE IF NOT EXISTS OrleansMembershipVersionTable
        (
            DeploymentId varchar(150) NOT NULL,
            Timestamp timestamptz(3) NOT NULL DEFAULT now(),
            Version integer NOT NULL DEFAULT 0,
            CONSTRAINT PK_OrleansMembershipVersionTable_DeploymentId PRIMARY KEY (DeploymentId)
        );
        CREATE TABLE IF NOT EXISTS OrleansMembershipTable
        (
            DeploymentId varchar(150) NOT NULL,
            Address varchar(45) NOT NULL,
            Port integer NOT NULL,
            Generation integer NOT NULL,
            SiloName varchar(150) NOT NULL,
            HostName varchar(150) NOT NULL,
            Status integer NOT NULL,
            ProxyPort integer NULL,
            SuspectTimes varchar(8000) NULL,
            StartTime timestamptz(3) NOT NULL,
            IAmAliveTime timestamptz(3) NOT NULL,
            CONSTRAINT PK_MembershipTable_DeploymentId PRIMARY KEY (DeploymentId, Address, Port, Generation),
            CONSTRAINT FK_MembershipTable_MembershipVersionTable_DeploymentId FOREIGN KEY (DeploymentId) REFERENCES OrleansMembershipVersionTable (DeploymentId)
        );
        """;

    /// <summary>Orleans' query keys and Ohm's statements for them. The writes that Orleans versions lock the version row first.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Queries = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["UpdateIAmAlivetimeKey"] = """
            UPDATE OrleansMembershipTable SET IAmAliveTime = @IAmAliveTime
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation;
            """,
        ["InsertMembershipVersionKey"] = """
            WITH inserted AS (
                INSERT INTO OrleansMembershipVersionTable (DeploymentId) VALUES (@DeploymentId)
                ON CONFLICT (DeploymentId) DO NOTHING RETURNING 1)
            SELECT count(*)::integer AS row_count FROM inserted;
            """,
        ["InsertMembershipKey"] = """
            WITH inserted AS (
                INSERT INTO OrleansMembershipTable (DeploymentId, Address, Port, Generation, SiloName, HostName, Status, ProxyPort, StartTime, IAmAliveTime)
                SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime
                FROM (SELECT 1 FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId AND Version = @Version FOR UPDATE) AS current_version
                ON CONFLICT (DeploymentId, Address, Port, Generation) DO NOTHING RETURNING 1),
            bumped AS (
                UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
                WHERE DeploymentId = @DeploymentId AND Version = @Version AND EXISTS (SELECT 1 FROM inserted) RETURNING 1)
            SELECT count(*)::integer AS row_count FROM bumped;
            """,
        ["UpdateMembershipKey"] = """
            WITH bumped AS (
                UPDATE OrleansMembershipVersionTable SET Timestamp = now(), Version = Version + 1
                WHERE DeploymentId = @DeploymentId AND Version = @Version RETURNING 1),
            updated AS (
                UPDATE OrleansMembershipTable SET Status = @Status, SuspectTimes = @SuspectTimes, IAmAliveTime = @IAmAliveTime
                WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation
                    AND EXISTS (SELECT 1 FROM bumped) RETURNING 1)
            SELECT count(*)::integer AS row_count FROM updated;
            """,
        ["MembershipReadRowKey"] = """
            SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
                AND m.Address = @Address AND m.Port = @Port AND m.Generation = @Generation
            WHERE v.DeploymentId = @DeploymentId;
            """,
        ["MembershipReadAllKey"] = """
            SELECT v.DeploymentId, m.Address, m.Port, m.Generation, m.SiloName, m.HostName, m.Status, m.ProxyPort,
                m.SuspectTimes, m.StartTime, m.IAmAliveTime, v.Version
            FROM OrleansMembershipVersionTable v
            LEFT OUTER JOIN OrleansMembershipTable m ON v.DeploymentId = m.DeploymentId
            WHERE v.DeploymentId = @DeploymentId;
            """,
        ["DeleteMembershipTableEntriesKey"] = """
            DELETE FROM OrleansMembershipTable WHERE DeploymentId = @DeploymentId;
            DELETE FROM OrleansMembershipVersionTable WHERE DeploymentId = @DeploymentId;
            """,
        ["GatewaysQueryKey"] = """
            SELECT Address, ProxyPort, Generation FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Status = @Status AND ProxyPort > 0;
            """,
        ["CleanupDefunctSiloEntriesKey"] = """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND IAmAliveTime < @IAmAliveTime AND Status != 3;
            """,
        ["CleanupDefunctSiloEntryKey"] = """
            DELETE FROM OrleansMembershipTable
            WHERE DeploymentId = @DeploymentId AND Address = @Address AND Port = @Port AND Generation = @Generation AND Status != 3;
            """,
    };

    /// <summary>Creates the tables when missing and writes the queries (an older node's are replaced).</summary>
    public static async Task EnsureAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@lock)", connection, transaction))
        {
            command.Parameters.AddWithValue("lock", CreationLock);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand(Tables, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var (key, text) in Queries)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES (@key, @text) ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText",
                connection,
                transaction);
            command.Parameters.AddWithValue("key", key);
            command.Parameters.AddWithValue("text", text);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
