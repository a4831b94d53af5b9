using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ohm.Cli.Tests.Cluster;

/// <summary>
/// Three (or more) real <c>ohm csms --cluster</c> processes on free loopback ports, sharing one fresh PostgreSQL database
/// (created on the server of OHM_TEST_POSTGRES, dropped at the end). <see cref="StartAsync"/> returns once every node
/// answers /health/ready and the cluster's membership holds every node as active. A node can be killed (kill -9),
/// terminated (SIGTERM, it drains) and started again on its ports. Everything is killed and removed at dispose, also when
/// a test fails. Use it from a <see cref="ClusterFactAttribute"/> test.
/// </summary>
public sealed class ClusterProcesses : IAsyncDisposable
{
    /// <summary>How long a node may take to start (three starting processes share 2 cores in CI).</summary>
    public static readonly TimeSpan StartBound = TimeSpan.FromSeconds(60);

    private readonly string _admin;
    private readonly string _databaseName;
    private readonly string _ohm;
    private readonly string _root;
    private readonly List<ClusterNode> _nodes = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private ClusterProcesses(string admin, string databaseName, string root)
    {
        _admin = admin;
        _databaseName = databaseName;
        _root = root;
        ClusterId = "ohm-" + databaseName;
        _ohm = Path.Combine(AppContext.BaseDirectory, "ohm.dll");
    }

    /// <summary>The Orleans ClusterId of these nodes (one per instance, so that nothing else's membership mixes in).</summary>
    public string ClusterId { get; }

    /// <summary>The connection string of the nodes' shared database.</summary>
    public string Database { get; private set; } = "";

    /// <summary>The nodes, node 1 first.</summary>
    public IReadOnlyList<ClusterNode> Nodes => _nodes;

    /// <summary>Everything the processes wrote and what the test did to them, in order; put it in a failure's message.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Adds <paramref name="line"/> to <see cref="Log"/>, stamped with the seconds since the cluster was created.</summary>
    public void Note(string line) => Log.Enqueue($"[{_clock.Elapsed.TotalSeconds,6:0.00}s] {line}");

    /// <summary>Node <paramref name="number"/> (1-based, as the tests name them).</summary>
    public ClusterNode this[int number] => _nodes[number - 1];

    /// <summary>Every node's OCPP endpoint, node 1 first: what a station given every address gets.</summary>
    public IReadOnlyList<Uri> OcppEndpoints => _nodes.Select(n => n.OcppEndpoint).ToList();

    /// <summary>Creates the database and starts <paramref name="count"/> nodes; returns when all are ready and members.</summary>
    public static async Task<ClusterProcesses> StartAsync(int count = 3)
    {
        var admin = Environment.GetEnvironmentVariable("OHM_TEST_POSTGRES")
            ?? throw new InvalidOperationException("OHM_TEST_POSTGRES is not set: eval \"$(.ci/postgres start)\"");
        var name = "ohm_cluster_" + Guid.NewGuid().ToString("N")[..12];
        var root = Directory.CreateTempSubdirectory("ohm-cluster-").FullName;
        var cluster = new ClusterProcesses(admin, name, root);
        try
        {
            await cluster.CreateDatabaseAsync();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await cluster.StartNodesAsync(count, root);
                    break;
                }
                catch (NodeExitedException) when (attempt < 3)
                {
                    // A free port taken by another process between the probe and the bind (exit 2): again on other ports.
                    cluster.Note($"test: a node exited while starting (attempt {attempt}); starting all again on other ports");
                    cluster._nodes.ForEach(n => n.Dispose());
                    cluster._nodes.Clear();
                }
            }

            await cluster.UntilMembersAsync(count);
            cluster.Note($"test: {count} nodes ready and members");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartNodesAsync(int count, string root)
    {
        var ports = FreePorts(4 * count);
        for (var i = 0; i < count; i++)
        {
            var data = Directory.CreateDirectory(Path.Combine(root, $"node{i + 1}")).FullName;
            _nodes.Add(new ClusterNode(i + 1, ports[(4 * i)..(4 * i + 4)], Database, ClusterId, data, Note));
        }

        // Node 1 migrates the fresh database and creates Orleans' tables; the others then start together.
        _nodes[0].Start(_ohm);
        await UntilAsync(() => _nodes[0].IsReadyAsync(), "node 1 ready", StartBound);
        foreach (var node in _nodes.Skip(1))
        {
            node.Start(_ohm);
        }

        foreach (var node in _nodes.Skip(1))
        {
            await UntilAsync(node.IsReadyAsync, $"node {node.Number} ready", StartBound);
        }
    }

    /// <summary>Starts node <paramref name="number"/> again (after a kill or a stop), on its ports; returns once it is ready and a member.</summary>
    public async Task RestartAsync(int number)
    {
        var node = this[number];
        if (node.IsRunning)
        {
            return;
        }

        node.Start(_ohm);
        await UntilAsync(node.IsReadyAsync, $"node {number} ready again", StartBound);
        await UntilMembersAsync(_nodes.Count(n => n.IsRunning));
        Note($"test: node {number} ready and a member again");
    }

    /// <summary>The nodes that run, node 1 first.</summary>
    public IReadOnlyList<ClusterNode> Running => _nodes.Where(n => n.IsRunning).ToList();

    /// <summary>Starts again nodes a test killed or stopped until at least <paramref name="count"/> run (all by default).</summary>
    public async Task EnsureRunningAsync(int count = int.MaxValue)
    {
        foreach (var node in _nodes.Where(n => !n.IsRunning).ToList())
        {
            if (Running.Count >= count)
            {
                break;
            }

            await RestartAsync(node.Number);
        }
    }

    /// <summary>Registers <paramref name="stationId"/> (security profile 0, boot Accepted) through node <paramref name="node"/>'s API.</summary>
    public async Task RegisterStationAsync(string stationId, int node = 1)
    {
        var (status, body) = await this[node].PutJsonAsync($"api/stations/{stationId}", new { securityProfile = 0, bootPolicy = "Accepted" });
        if (status is not (200 or 201))
        {
            throw new InvalidOperationException($"registering {stationId} through node {node} answered {status}: {body}");
        }
    }

    /// <summary>How many members the shared membership table holds as active (Orleans' status 3).</summary>
    public async Task<int> ActiveMembersAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @id AND Status = 3", connection);
        command.Parameters.AddWithValue("id", ClusterId);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the membership holds <paramref name="node"/> (any generation on its silo port) as active.</summary>
    public async Task<bool> IsActiveMemberAsync(ClusterNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM OrleansMembershipTable WHERE DeploymentId = @id AND Port = @port AND Status = 3", connection);
        command.Parameters.AddWithValue("id", ClusterId);
        command.Parameters.AddWithValue("port", node.SiloPort);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Waits until the membership holds exactly <paramref name="count"/> active members (a killed node is voted dead).</summary>
    public Task UntilMembersAsync(int count, TimeSpan? bound = null) =>
        UntilAsync(async () => await ActiveMembersAsync() == count, $"{count} active members", bound ?? StartBound);

    /// <summary>Waits until <paramref name="condition"/> holds, checking it every 50 ms; fails with the nodes' log after <paramref name="bound"/>.</summary>
    public async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!await Checked(condition))
        {
            if (clock.Elapsed > bound)
            {
                throw new TimeoutException($"Waited {bound.TotalSeconds} s for: {what}. Nodes (last 150 lines):{Environment.NewLine}{Tail(150)}");
            }

            await Task.Delay(50);
        }
    }

    private async Task<bool> Checked(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (NodeExitedException ex)
        {
            throw new NodeExitedException($"{ex.Message}. Nodes (last 60 lines):{Environment.NewLine}{Tail(60)}");
        }
    }

    /// <summary>The last <paramref name="lines"/> lines of <see cref="Log"/>.</summary>
    public string Tail(int lines = 150) => string.Join(Environment.NewLine, Log.TakeLast(lines));

    /// <summary>Kills every node that still runs, drops the database and removes the data folders.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        if (Database.Length > 0)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_databaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task CreateDatabaseAsync()
    {
        await using (var connection = new NpgsqlConnection(_admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {_databaseName}", connection);
            await create.ExecuteNonQueryAsync();
        }

        Database = new NpgsqlConnectionStringBuilder(_admin) { Database = _databaseName }.ConnectionString;
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}

/// <summary>A node's process ended while the test waited for it.</summary>
public sealed class NodeExitedException(string message) : Exception(message);
