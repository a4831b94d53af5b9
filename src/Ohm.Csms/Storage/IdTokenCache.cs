using System.Collections.Concurrent;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The id tokens read lately, so that an Authorize or a TransactionEvent with a token does not query the store each
/// time; a token that is not in the store is remembered too. Every EF Core save that adds, changes or removes a token
/// evicts it, once when saved and again when committed (<see cref="CsmsDbContext"/>), and a load that raced with an
/// eviction is not kept, so an answer never outlives a change made through this process. An entry lives at most
/// <see cref="Lifetime"/>, the bound for changes made by another process on the same database. In a cluster the other
/// nodes are <see cref="Peers"/>: a committed change is sent to them (<see cref="Committed"/>), and the API's writes wait
/// for their acknowledgements (<see cref="EvictedEverywhereAsync"/>); an eviction received from a peer is
/// <see cref="Invalidate"/>, which is local and never sent on.
/// </summary>
public sealed class IdTokenCache
{
    /// <summary>How long a token read from the store is trusted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string IdToken, IdTokenEnumType Type), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string IdToken, IdTokenEnumType Type), Task> _broadcasts = new();
    private long _version;

    /// <summary>The clock the lifetime is measured on; the host sets the one it injects everywhere.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    /// <summary>The other nodes that must forget what changes here; null on one node.</summary>
    public IIdTokenCachePeers? Peers { get; set; }

    /// <summary>The token's record from the cache, or from <paramref name="load"/> when it is not there or too old.</summary>
    public async Task<IdTokenRecord?> FindAsync(string idToken, IdTokenEnumType type, Func<Task<IdTokenRecord?>> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var key = (idToken, type);
        var clock = Clock;
        var now = clock.GetTimestamp();
        if (_entries.TryGetValue(key, out var entry) && clock.GetElapsedTime(entry.LoadedAt, now) < Lifetime)
        {
            return entry.Record;
        }

        var version = Volatile.Read(ref _version);
        var record = await load().ConfigureAwait(false);
        if (Volatile.Read(ref _version) == version)
        {
            if (_entries.Count >= MaxEntries)
            {
                _entries.Clear();
            }

            _entries[key] = new Entry(record, now);
        }

        return record;
    }

    /// <summary>Forgets a token, and makes any load running now not be kept.</summary>
    public void Invalidate(string idToken, IdTokenEnumType type)
    {
        Interlocked.Increment(ref _version);
        _entries.TryRemove((idToken, type), out _);
    }

    /// <summary>
    /// Changes of <paramref name="tokens"/> are committed: forgets them here and tells the <see cref="Peers"/> without
    /// waiting for them (<see cref="EvictedEverywhereAsync"/> waits).
    /// </summary>
    public void Committed(IReadOnlyCollection<(string IdToken, IdTokenEnumType Type)> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var (idToken, type) in tokens)
        {
            Invalidate(idToken, type);
        }

        if (Peers is not { } peers || tokens.Count == 0)
        {
            return;
        }

        var distinct = tokens.Distinct().ToList();
        var broadcast = peers.EvictAsync(distinct);
        foreach (var key in distinct)
        {
            _broadcasts[key] = broadcast;
        }

        _ = broadcast.ContinueWith(
            (done, state) =>
            {
                foreach (var key in (List<(string, IdTokenEnumType)>)state!)
                {
                    _broadcasts.TryRemove(new KeyValuePair<(string, IdTokenEnumType), Task>(key, done));
                }
            },
            distinct,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Completes when the peers told of the latest committed change of each of <paramref name="tokens"/> have
    /// acknowledged it (or the bound of <see cref="IIdTokenCachePeers.EvictAsync"/> passed); at once on one node.
    /// </summary>
    public Task EvictedEverywhereAsync(IEnumerable<(string IdToken, IdTokenEnumType Type)> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var pending = tokens.Select(key => _broadcasts.GetValueOrDefault(key)).OfType<Task>().Distinct().ToList();
        return pending.Count == 0 ? Task.CompletedTask : Task.WhenAll(pending);
    }

    private sealed record Entry(IdTokenRecord? Record, long LoadedAt);
}
