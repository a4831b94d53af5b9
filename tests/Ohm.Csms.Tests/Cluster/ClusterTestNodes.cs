using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Orleans;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>What the in-process cluster tests share: a node's settings, free ports, the membership, waiting on a condition.</summary>
internal static class ClusterTestNodes
{
    /// <summary>How long a test waits for the cluster to reach a state.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>The settings of a cluster node with these Orleans ports.</summary>
    public static (string Key, string Value)[] Node(int siloPort, int gatewayPort) =>
    [
        ("Cluster:Enabled", "true"),
        ("Cluster:ClusterId", "ohm-test"),
        ("Cluster:SiloPort", siloPort.ToString(CultureInfo.InvariantCulture)),
        ("Cluster:GatewayPort", gatewayPort.ToString(CultureInfo.InvariantCulture)),
    ];

    /// <summary>Whether <paramref name="node"/>'s membership holds exactly <paramref name="count"/> active silos.</summary>
    public static async Task<bool> ActiveNodesAsync(CsmsTestHost node, int count)
    {
        var hosts = await node.App.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        return hosts.Count == count;
    }

    /// <summary>Waits until each node lists the other as its peer (the directory told them; what crosses the nodes goes to peers).</summary>
    public static Task PeersAsync(CsmsTestHost node1, CsmsTestHost node2) => UntilAsync(
        () => Task.FromResult(node1.App.Services.GetRequiredService<Ohm.Csms.Cluster.ClusterPeers>().Names.Count == 1 && node2.App.Services.GetRequiredService<Ohm.Csms.Cluster.ClusterPeers>().Names.Count == 1),
        "each node lists the other");

    /// <summary>
    /// Declares the one Error a node that stops while its peers run may log: a peer's message (its directory
    /// registration, say) that reaches the stopping silo cannot be placed there any more, and Orleans logs that itself;
    /// the sender's call fails and it tries again later. Nothing of Ohm's is lost with it.
    /// </summary>
    public static void ExpectStopNoise(CsmsTestHost node) =>
        node.Logs.ExpectError(e => e.Category.StartsWith("Orleans", StringComparison.Ordinal) && e.Exception is SiloUnavailableException);

    /// <summary>Waits until <paramref name="condition"/> holds, checking it again every few milliseconds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            Assert.False(deadline.IsCancellationRequested, $"Waited {Patience.TotalSeconds} s for: {what}");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    /// <summary>Loopback ports free now.</summary>
    public static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }
}
