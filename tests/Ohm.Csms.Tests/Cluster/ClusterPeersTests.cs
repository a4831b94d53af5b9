using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Cluster;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>A node's peers as the directory lists them: evictions awaited but bounded, a silent peer logged, this node never its own peer.</summary>
public sealed class ClusterPeersTests
{
    [Fact]
    public async Task An_eviction_waits_for_the_peers_that_answer_and_at_most_its_bound_for_one_that_does_not_which_is_logged()
    {
        var clock = new FakeTimeProvider();
        var logs = new LogRecorder();
        await using var peers = new ClusterPeers(new ClusterNodeName("self"), new EmptyMembership(), clock, logs.CreateLogger<ClusterPeers>());
        var answering = new Node(answers: true);
        var silent = new Node(answers: false);
        peers.Update(new ClusterListing(Guid.NewGuid(), 1, [Peer("self", 1, new Node(answers: true)), Peer("answering", 2, answering), Peer("silent", 3, silent)]));
        Assert.Equal(["answering", "silent"], peers.Names.Order());

        var eviction = peers.EvictAsync([("T1", IdTokenEnumType.ISO14443)]);
        Assert.Equal([new IdTokenKey("T1", (int)IdTokenEnumType.ISO14443)], Assert.Single(answering.Evicted));
        Assert.Single(silent.Evicted);
        Assert.False(eviction.IsCompleted); // the silent one holds it up, up to the bound
        clock.Advance(ClusterPeers.EvictionBound);
        await eviction;
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("silent", warning.Message, StringComparison.Ordinal);

        // An older listing is ignored; a newer one without the silent peer drops it.
        peers.Update(new ClusterListing(Guid.Empty, 0, []) with { Epoch = Guid.NewGuid(), Version = 2, Peers = [Peer("answering", 2, answering)] });
        Assert.Equal(["answering"], peers.Names);
    }

    private static ClusterPeer Peer(string name, int port, IClusterNode node) => new(name, SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1), node);

    private sealed class Node(bool answers) : IClusterNode
    {
        public List<IdTokenKey[]> Evicted { get; } = [];

        public Task EvictIdTokensAsync(IdTokenKey[] tokens)
        {
            Evicted.Add(tokens);
            return answers ? Task.CompletedTask : new TaskCompletionSource().Task;
        }

        public Task FleetChangesAsync(FleetChangeWire[] changes) => Task.CompletedTask;

        public Task EventsAsync(string[] notices) => Task.CompletedTask;

        public Task ReportsAsync(ReportWire[] reports) => Task.CompletedTask;

        public Task PeersAsync(ClusterListing listing) => Task.CompletedTask;
    }
}
