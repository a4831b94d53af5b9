using System.Collections.Concurrent;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The id tokens read lately, so that an Authorize or a TransactionEvent with a token does not query the store each
/// time; a token that is not in the store is remembered too. Every EF Core save that adds, changes or removes a token
/// evicts it, once when saved and again when committed (<see cref="CsmsDbContext"/>), and a load that raced with an
/// eviction is not kept, so an answer never outlives a change made through this process. An entry lives at most
/// <see cref="Lifetime"/>, the bound for changes made by another process on the same database.
/// </summary>
public sealed class IdTokenCache
{
    /// <summary>How long a token read from the store is trusted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(string IdToken, IdTokenEnumType Type), Entry> _entries = new();
    private long _version;

    /// <summary>The clock the lifetime is measured on; the host sets the one it injects everywhere.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

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

    private sealed record Entry(IdTokenRecord? Record, long LoadedAt);
}
