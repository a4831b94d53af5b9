using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// C10, C11: the authorization cache, kept in the store (with each token's groupIdToken, C09): AuthCacheCtrlr Enabled,
/// LifeTime, Storage and Policy. Filled
/// from Authorize and TransactionEvent answers; read by Authorization.
/// </summary>
internal sealed class AuthorizationCache
{
    private readonly IStationContext _context;

    internal AuthorizationCache(IStationContext context) => _context = context;

    /// <summary>C10: stores an idTokenInfo in the cache when the cache is enabled.</summary>
    internal void Remember(IdTokenType token, IdTokenInfoType info)
    {
        if (!_context.Model.Flag("AuthCacheCtrlr", "Enabled", true))
        {
            return;
        }

        var lifetime = _context.Model.Number("AuthCacheCtrlr", "LifeTime", 86400);
        var now = _context.Now;
        var expiry = info.CacheExpiryDateTime ?? now.AddSeconds(lifetime);
        _context.Store.SetRecord(Key(token), JsonSerializer.Serialize(new CacheEntry(info.Status, expiry, now, now, info.GroupIdToken?.IdToken, info.GroupIdToken?.Type)));
        Evict(now);
    }

    /// <summary>The cached status of a token, or null when the cache is disabled, or has no unexpired entry; marks the entry used.</summary>
    internal AuthorizationStatusEnumType? Cached(IdTokenType token)
    {
        if (!_context.Model.Flag("AuthCacheCtrlr", "Enabled", true) || _context.Store.GetRecord(Key(token)) is not { } json)
        {
            return null;
        }

        var entry = JsonSerializer.Deserialize<CacheEntry>(json);
        var now = _context.Now;
        if (entry is null || entry.Expiry < now)
        {
            return null;
        }

        _context.Store.SetRecord(Key(token), JsonSerializer.Serialize(entry with { LastUsed = now }));
        return entry.Status;
    }

    /// <summary>C09: the groupIdToken cached with a token, or null (no entry, expired, no group, or the cache disabled).</summary>
    internal IdTokenType? GroupOf(IdTokenType token)
    {
        if (!_context.Model.Flag("AuthCacheCtrlr", "Enabled", true) || _context.Store.GetRecord(Key(token)) is not { } json
            || JsonSerializer.Deserialize<CacheEntry>(json) is not { GroupIdToken: { } group } entry || entry.Expiry < _context.Now)
        {
            return null;
        }

        return new IdTokenType { IdToken = group, Type = entry.GroupType ?? IdTokenEnumType.Central };
    }

    /// <summary>C11: empties the cache; false when the cache is disabled (nothing is cleared then).</summary>
    internal bool Clear()
    {
        if (!_context.Model.Flag("AuthCacheCtrlr", "Enabled", true))
        {
            return false;
        }

        _context.Store.DeleteRecords("auth:");
        return true;
    }

    /// <summary>N09: what the cache holds about a token (whether or not the cache is enabled): its status, expiry and when it was added and last used; null when nothing.</summary>
    internal string? Describe(IdTokenType token)
    {
        if (_context.Store.GetRecord(Key(token)) is not { } json || JsonSerializer.Deserialize<CacheEntry>(json) is not { } entry)
        {
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"status {entry.Status}, expires {entry.Expiry:O}, added {entry.Added:O}, last used {entry.LastUsed:O}")
            + (entry.GroupIdToken is { } group ? $", groupIdToken {group}" : "");
    }

    /// <summary>N10: removes a token's entry (whether or not the cache is enabled); false when there was none.</summary>
    internal bool Forget(IdTokenType token)
    {
        if (_context.Store.GetRecord(Key(token)) is null)
        {
            return false;
        }

        _context.Store.DeleteRecord(Key(token));
        return true;
    }

    /// <summary>C10.FR: keeps at most AuthCacheCtrlr.Storage entries: expired ones go first, then per Policy (LRU, LFU is read as LRU, FIFO).</summary>
    private void Evict(DateTimeOffset now)
    {
        var capacity = _context.Model.Number("AuthCacheCtrlr", "Storage", int.MaxValue);
        var entries = _context.Store.GetRecords("auth:");
        if (entries.Count <= capacity)
        {
            return;
        }

        var fifo = _context.Model.Value("AuthCacheCtrlr", "Policy") == "FIFO";
        var order = entries
            .Select(e => (e.Key, Entry: JsonSerializer.Deserialize<CacheEntry>(e.Value)))
            .OrderBy(e => e.Entry is null || e.Entry.Expiry < now ? 0 : 1)
            .ThenBy(e => fifo ? e.Entry?.Added : e.Entry?.LastUsed)
            .ToList();
        foreach (var (key, _) in order.Take(entries.Count - capacity))
        {
            _context.Store.DeleteRecord(key);
        }
    }

    private static string Key(IdTokenType token) => string.Create(CultureInfo.InvariantCulture, $"auth:{token.Type}:{token.IdToken}");

    private sealed record CacheEntry(AuthorizationStatusEnumType Status, DateTimeOffset Expiry, DateTimeOffset Added, DateTimeOffset LastUsed, string? GroupIdToken = null, IdTokenEnumType? GroupType = null);
}
