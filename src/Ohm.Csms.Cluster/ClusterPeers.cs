using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// This node's peers (the other nodes the directory lists, while the membership says they live) and what it sends
/// them: id-token evictions awaited, fleet changes, events and report parts through a <see cref="PeerOutbox{T}"/> per peer.
/// </summary>
public sealed partial class ClusterPeers(ClusterNodeName self, IClusterMembershipService membership, TimeProvider time, ILogger<ClusterPeers> logger)
    : IIdTokenCachePeers, IAsyncDisposable
{
    /// <summary>How long a change of a token waits for each peer's acknowledgement of the eviction.</summary>
    public static readonly TimeSpan EvictionBound = TimeSpan.FromSeconds(2);

    /// <summary>How long a batch of changes or events may travel before it counts as lost for the peer.</summary>
    public static readonly TimeSpan BatchBound = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private ImmutableArray<PeerLink> _links = [];
    private (Guid Epoch, long Version) _applied;
    private bool _closed;

    /// <summary>The names of the peers now.</summary>
    public IReadOnlyList<string> Names => [.. _links.Select(l => l.Peer.Name)];

    /// <summary>Whether a node on <paramref name="silo"/> may be sent to: unknown to the membership yet, or not leaving or dead.</summary>
    public static bool Lives(ClusterMembershipSnapshot snapshot, SiloAddress silo)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.GetSiloStatus(silo) is not (SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead);
    }

    /// <summary>The directory's listing: the peers become the nodes listed (but this one) that live. An older listing is ignored.</summary>
    public void Update(ClusterListing listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var snapshot = membership.CurrentSnapshot;
        List<PeerLink> dropped;
        lock (_gate)
        {
            if (_closed || (listing.Epoch == _applied.Epoch && listing.Version < _applied.Version))
            {
                return;
            }

            _applied = (listing.Epoch, listing.Version);
            var wanted = listing.Peers.Where(p => p.Name != self.Value && Lives(snapshot, p.Silo)).DistinctBy(p => p.Name).ToList();
            var kept = _links.Where(l => wanted.Contains(l.Peer)).ToList();
            dropped = [.. _links.Except(kept)];
            var added = wanted.Where(p => !kept.Any(l => l.Peer.Equals(p))).Select(p => new PeerLink(p, this)).ToList();
            _links = [.. kept, .. added];
            foreach (var link in added)
            {
                LogPeerAdded(link.Peer.Name);
            }
        }

        Close(dropped);
    }

    /// <summary>The membership changed: the peers whose silo is leaving or dead are dropped at once.</summary>
    public void Prune(ClusterMembershipSnapshot snapshot)
    {
        List<PeerLink> dropped;
        lock (_gate)
        {
            dropped = [.. _links.Where(l => !Lives(snapshot, l.Peer.Silo))];
            _links = _links.RemoveRange(dropped);
        }

        Close(dropped);
    }

    /// <summary>Sends a fleet change published here to every peer; never waits.</summary>
    public void Post(FleetChangeWire change)
    {
        foreach (var link in _links)
        {
            link.Changes.Post(change);
        }
    }

    /// <summary>Sends an event (its JSON) published here to every peer; never waits.</summary>
    public void PostEvent(string notice)
    {
        foreach (var link in _links)
        {
            link.Events.Post(notice);
        }
    }

    /// <summary>Sends a report part stored here to every peer, in order; never waits.</summary>
    public void PostReport(ReportWire report)
    {
        foreach (var link in _links)
        {
            link.Reports.Post(report);
        }
    }

    /// <inheritdoc/>
    public Task EvictAsync(IReadOnlyCollection<(string IdToken, IdTokenEnumType Type)> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var links = _links;
        if (links.IsEmpty || tokens.Count == 0)
        {
            return Task.CompletedTask;
        }

        IdTokenKey[] keys = [.. tokens.Select(IdTokenKey.Of)];
        return Task.WhenAll(links.Select(l => EvictAsync(l.Peer, keys)));
    }

    /// <summary>Drops every peer and stops sending.</summary>
    public async ValueTask DisposeAsync()
    {
        ImmutableArray<PeerLink> links;
        lock (_gate)
        {
            _closed = true;
            links = _links;
            _links = [];
        }

        foreach (var link in links)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task EvictAsync(ClusterPeer peer, IdTokenKey[] keys)
    {
        var call = peer.Node.EvictIdTokensAsync(keys);
        try
        {
            await call.WaitAsync(EvictionBound, time).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A peer that does not answer keeps the token at most the cache's lifetime; logged, never fatal.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Observe(call);
            LogEvictionUnacknowledged(ex, peer.Name, keys.Length, IdTokenCache.Lifetime.TotalSeconds);
        }
    }

    private static void Observe(Task call) =>
        _ = call.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task SendAsync(Task call, CancellationToken ct)
    {
        try
        {
            await call.WaitAsync(BatchBound, time, ct).ConfigureAwait(false);
        }
        catch
        {
            Observe(call);
            throw;
        }
    }

    private void Close(List<PeerLink> dropped)
    {
        foreach (var link in dropped)
        {
            LogPeerDropped(link.Peer.Name);
            _ = link.DisposeAsync().AsTask();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: peer {Peer} added")]
    private partial void LogPeerAdded(string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: peer {Peer} dropped")]
    private partial void LogPeerDropped(string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: peer {Peer} did not acknowledge the eviction of {Count} id token(s); its cache keeps them at most {Lifetime} s")]
    private partial void LogEvictionUnacknowledged(Exception exception, string peer, int count, double lifetime);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: a batch of {Count} {What} for peer {Peer} was lost")]
    private partial void LogBatchLost(Exception exception, int count, string what, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: peer {Peer} fell behind; {Count} {What} were dropped for it")]
    private partial void LogDropped(long count, string what, string peer);

    /// <summary>One peer and the outboxes this node sends it through.</summary>
    private sealed class PeerLink : IAsyncDisposable
    {
        public PeerLink(ClusterPeer peer, ClusterPeers owner)
        {
            Peer = peer;
            Changes = new PeerOutbox<FleetChangeWire>(
                (batch, ct) => owner.SendAsync(peer.Node.FleetChangesAsync(batch), ct),
                (ex, count) => owner.LogBatchLost(ex, count, "fleet changes", peer.Name),
                count => owner.LogDropped(count, "fleet changes", peer.Name));
            Events = new PeerOutbox<string>(
                (batch, ct) => owner.SendAsync(peer.Node.EventsAsync(batch), ct),
                (ex, count) => owner.LogBatchLost(ex, count, "events", peer.Name),
                count => owner.LogDropped(count, "events", peer.Name));
            Reports = new PeerOutbox<ReportWire>(
                (batch, ct) => owner.SendAsync(peer.Node.ReportsAsync(batch), ct),
                (ex, count) => owner.LogBatchLost(ex, count, "report parts", peer.Name),
                count => owner.LogDropped(count, "report parts", peer.Name));
        }

        public ClusterPeer Peer { get; }

        public PeerOutbox<ReportWire> Reports { get; }

        public PeerOutbox<FleetChangeWire> Changes { get; }

        public PeerOutbox<string> Events { get; }

        public async ValueTask DisposeAsync()
        {
            await Changes.DisposeAsync().ConfigureAwait(false);
            await Events.DisposeAsync().ConfigureAwait(false);
            await Reports.DisposeAsync().ConfigureAwait(false);
        }
    }
}
