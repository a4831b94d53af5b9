using System.Collections.Concurrent;

namespace Ohm.Csms.Certificates.Ocsp;

/// <summary>The single-node OCSP cache: a dictionary of verified answers, dropped when read past their nextUpdate, bounded in size.</summary>
public sealed class MemoryOcspResponseCache : IOcspResponseCache
{
    /// <summary>Answers held at most; when full, the expired ones are dropped, and if none, nothing more is kept.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, OcspCheck> _entries = new(StringComparer.Ordinal);

    public OcspCheck? Find(string certId, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(certId, out var check))
        {
            return null;
        }

        if (check.NextUpdate is { } next && next > now)
        {
            return check;
        }

        _entries.TryRemove(new KeyValuePair<string, OcspCheck>(certId, check));
        return null;
    }

    public void Store(string certId, OcspCheck check, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(check);
        if (check.NextUpdate is null || !check.Verified)
        {
            return;
        }

        if (_entries.Count >= MaxEntries && !_entries.ContainsKey(certId))
        {
            foreach (var (key, value) in _entries)
            {
                if (value.NextUpdate <= now)
                {
                    _entries.TryRemove(key, out _);
                }
            }

            if (_entries.Count >= MaxEntries)
            {
                return;
            }
        }

        _entries[certId] = check;
    }
}
