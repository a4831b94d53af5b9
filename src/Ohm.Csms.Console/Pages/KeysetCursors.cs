using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Pages;

/// <summary>
/// Page numbers of a table over a keyset-paged query: the key each page starts after, learnt as pages are read. A page
/// further than the last known one is reached by reading the pages between (the keyset pages never skip or repeat a row).
/// </summary>
internal sealed class KeysetCursors
{
    private readonly List<long?> _starts = [null];
    private int _pageSize;

    /// <summary>Forgets the keys (the filter or the page size changed).</summary>
    public void Reset()
    {
        _starts.Clear();
        _starts.Add(null);
    }

    /// <summary>Page <paramref name="page"/> (from 0) of <paramref name="pageSize"/> items.</summary>
    public async Task<KeysetPage<T>> PageAsync<T>(int page, int pageSize, Func<long?, int, Task<KeysetPage<T>>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (pageSize != _pageSize)
        {
            _pageSize = pageSize;
            Reset();
        }

        var known = Math.Min(page, _starts.Count - 1);
        var result = await read(_starts[known], pageSize).ConfigureAwait(true);
        Learn(known, result.NextKey);
        while (known < page && result.NextKey is { } next)
        {
            known++;
            result = await read(next, pageSize).ConfigureAwait(true);
            Learn(known, result.NextKey);
        }

        return result;
    }

    private void Learn(int page, long? next)
    {
        if (next is not null && _starts.Count == page + 1)
        {
            _starts.Add(next);
        }
    }
}
