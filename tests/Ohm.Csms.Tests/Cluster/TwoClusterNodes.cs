using Ohm.Csms.Tests.Support;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// Two cluster nodes on one new PostgreSQL database, started and joined: each sees both in the membership and lists the
/// other as its peer. Disposing stops node 2, then node 1, then drops the database.
/// </summary>
internal sealed class TwoClusterNodes : IAsyncDisposable
{
    private readonly TestDatabase _database;

    private TwoClusterNodes(TestDatabase database, CsmsTestHost node1, CsmsTestHost node2)
    {
        _database = database;
        Node1 = node1;
        Node2 = node2;
    }

    public CsmsTestHost Node1 { get; }

    public CsmsTestHost Node2 { get; }

    /// <summary>Starts both nodes with <paramref name="settings"/> added to each one's cluster settings, and waits until they joined.</summary>
    public static async Task<TwoClusterNodes> StartAsync(params (string Key, string Value)[] settings)
    {
        var database = await TestDatabases.CreateAsync(TestDatabases.Postgres);
        CsmsTestHost? node1 = null;
        CsmsTestHost? node2 = null;
        try
        {
            var ports = FreePorts(4);
            node1 = await CsmsTestHost.StartSharingAsync(database, [.. Node(ports[0], ports[1]), .. settings]);
            node2 = await CsmsTestHost.StartSharingAsync(database, [.. Node(ports[2], ports[3]), .. settings]);
            await UntilAsync(() => ActiveNodesAsync(node1, 2), "node 1 sees both nodes");
            await UntilAsync(() => ActiveNodesAsync(node2, 2), "node 2 sees both nodes");
            await PeersAsync(node1, node2);
            return new TwoClusterNodes(database, node1, node2);
        }
        catch
        {
            // What started is stopped, so that a failed start does not leave nodes in the membership of later tests.
            if (node2 is not null)
            {
                await node2.DisposeAsync();
            }

            if (node1 is not null)
            {
                await node1.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        ExpectStopNoise(Node1);
        ExpectStopNoise(Node2);
        await using (_database)
        {
            await using (Node1)
            {
                await Node2.DisposeAsync();
            }
        }
    }
}
