using System.Collections.Concurrent;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Whether a station connected to another node is connected, for the synchronous <c>IsConnected</c> of the router:
/// a "connected" its grain said within the last second, refreshed in the background when older; a station not known to
/// be connected waits for its grain at most a quarter of a second (it answers from memory), never the call timeout. The
/// calls themselves always go through the grain.
/// </summary>
public sealed class RemotePresenceCache(IGrainFactory grains, ClusterNodes nodes, TimeProvider time)
{
    /// <summary>How long an answer of the grain is used without asking again.</summary>
    internal static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    /// <summary>How long the first question about a station waits for its grain.</summary>
    internal static readonly TimeSpan FirstWait = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the awaited first question about a station waits for its grain (well under Orleans' 30 s call timeout).</summary>
    internal static readonly TimeSpan AsyncWait = TimeSpan.FromSeconds(2);

    /// <summary>Above this many entries, those not asked about for a while are dropped.</summary>
    private const int MaxEntries = 10_000;

    private static readonly TimeSpan Unused = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Whether the station's grain knows a node (not declared dead) that holds it.</summary>
    public bool IsConnected(string stationId)
    {
        var now = time.GetTimestamp();
        if (!_entries.TryGetValue(stationId, out var entry))
        {
            entry = _entries.GetOrAdd(stationId, static _ => new Entry());
            Prune(now);
        }

        // Only a "connected" answer is kept for a while: a station not known to be connected (never asked, or not
        // connected when last asked, which it may be by now) is asked again, so a station that has just connected to
        // another node is not missed for a second by the balancer or a campaign.
        entry.AskedAt = now;
        var known = entry.ReadAt != 0 && nodes.IsLive(entry.Node);
        if (!known || time.GetElapsedTime(entry.ReadAt, now) > Freshness)
        {
            var read = Refresh(stationId, entry);
            if (!known)
            {
                read.Wait(FirstWait);
            }
        }

        return nodes.IsLive(entry.Node);
    }

    /// <summary>
    /// As <see cref="IsConnected"/>, but a station not known to be connected is awaited, not waited for: at most
    /// <see cref="AsyncWait"/>, after which it is not connected.
    /// </summary>
    public async Task<bool> IsConnectedAsync(string stationId, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        var entry = _entries.GetOrAdd(stationId, static _ => new Entry());
        entry.AskedAt = now;
        var known = entry.ReadAt != 0 && nodes.IsLive(entry.Node);
        if (!known)
        {
            try
            {
                await Refresh(stationId, entry).WaitAsync(AsyncWait, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A grain whose node is dead but not declared so: not known to be connected now (the read goes on).
            }
        }
        else if (time.GetElapsedTime(entry.ReadAt, now) > Freshness)
        {
            _ = Refresh(stationId, entry);
        }

        return nodes.IsLive(entry.Node);
    }

    private Task Refresh(string stationId, Entry entry)
    {
        lock (entry)
        {
            if (entry.Reading is { IsCompleted: false } reading)
            {
                return reading;
            }

            return entry.Reading = ReadAsync(stationId, entry);
        }
    }

    private async Task ReadAsync(string stationId, Entry entry)
    {
        var asked = time.GetTimestamp();
        try
        {
            entry.Node = await grains.GetGrain<IStationGrain>(stationId).NodeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever kept the grain from answering (the node stopping too), the station is not known to be connected.
        catch (Exception)
#pragma warning restore CA1031
        {
            entry.Node = null;
        }

        entry.ReadAt = Math.Max(asked, 1);
    }

    private void Prune(long now)
    {
        if (_entries.Count <= MaxEntries)
        {
            return;
        }

        foreach (var (id, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.AskedAt, now) > Unused)
            {
                _entries.TryRemove(id, out _);
            }
        }
    }

    private sealed class Entry
    {
        public volatile string? Node;
        public long AskedAt;
        public long ReadAt;
        public Task? Reading;
    }
}
