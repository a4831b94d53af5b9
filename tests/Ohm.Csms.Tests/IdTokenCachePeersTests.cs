using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests;

/// <summary>The id-token cache's peers (the other nodes of a cluster): told of committed changes, waited for by the writes that must, never told of what they told.</summary>
public sealed class IdTokenCachePeersTests
{
    [Fact]
    public async Task A_committed_change_is_evicted_here_and_told_to_the_peers_once_and_a_peers_eviction_is_not_told_on()
    {
        var peers = new Peers();
        var cache = new IdTokenCache { Peers = peers };
        var loads = 0;
        Task<IdTokenRecord?> Load()
        {
            loads++;
            return Task.FromResult<IdTokenRecord?>(new IdTokenRecord { IdToken = "T1", Type = IdTokenEnumType.ISO14443 });
        }

        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        cache.Committed([("T1", IdTokenEnumType.ISO14443), ("T1", IdTokenEnumType.ISO14443)]);
        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        Assert.Equal(2, loads); // evicted here at once
        Assert.Equal([("T1", IdTokenEnumType.ISO14443)], Assert.Single(peers.Told));

        // The write that must waits for the peers' acknowledgement; a token without a change in flight does not wait.
        var waiting = cache.EvictedEverywhereAsync([("T1", IdTokenEnumType.ISO14443)]);
        Assert.False(waiting.IsCompleted);
        Assert.True(cache.EvictedEverywhereAsync([("T2", IdTokenEnumType.ISO14443)]).IsCompleted);
        peers.Acknowledge();
        await waiting;
        Assert.True(cache.EvictedEverywhereAsync([("T1", IdTokenEnumType.ISO14443)]).IsCompleted);

        // What a peer tells this node is evicted here only.
        cache.Invalidate("T1", IdTokenEnumType.ISO14443);
        await cache.FindAsync("T1", IdTokenEnumType.ISO14443, Load);
        Assert.Equal(3, loads);
        Assert.Single(peers.Told);
    }

    private sealed class Peers : IIdTokenCachePeers
    {
        private readonly TaskCompletionSource _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<(string IdToken, IdTokenEnumType Type)[]> Told { get; } = [];

        public Task EvictAsync(IReadOnlyCollection<(string IdToken, IdTokenEnumType Type)> tokens)
        {
            Told.Add([.. tokens]);
            return _acknowledged.Task;
        }

        public void Acknowledge() => _acknowledged.SetResult();
    }
}
