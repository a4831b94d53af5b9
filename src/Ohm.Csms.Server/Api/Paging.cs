using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// One page of a list. Every list of the API answers this shape: <c>items</c>, <c>total</c> (how many match the filter,
/// all pages together) and <c>next</c>, the cursor of the next page (null on the last). A client asks for a page with
/// <c>limit</c> (default <see cref="Paging.DefaultLimit"/>, at most <see cref="Paging.MaxLimit"/>) and the <c>cursor</c>
/// the previous page gave.
/// </summary>
/// <remarks>
/// A keyset cursor rather than page numbers: the logs (transactions, events, messages, security events) are large
/// append-only tables, where OFFSET reads and discards every row before the page and a row written while a client
/// pages shifts every later page; a cursor (the sort key of the last item) reads only the page, and no item is
/// skipped or repeated while rows are added. The cursor is opaque to clients: its content may change.
/// </remarks>
internal sealed record Page<T>(IReadOnlyList<T> Items, int Total, string? Next);

/// <summary>The paging parameters every list takes, and the cursors it gives.</summary>
internal static class Paging
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 500;

    public const string CursorHelp = "the next of the previous page; leave it out for the first page";

    public const string LimitHelp = "items per page, 1 to 500, default 50";

    /// <summary>The page size asked for, or the 400 that names <c>limit</c>.</summary>
    public static bool TryLimit(int? limit, out int take, out ValidationProblem? problem)
    {
        take = limit ?? DefaultLimit;
        problem = limit is < 1 or > MaxLimit ? ApiResults.Invalid("limit", $"must be between 1 and {MaxLimit} (default {DefaultLimit})") : null;
        return problem is null;
    }

    /// <summary>The cursor that carries <paramref name="key"/>.</summary>
    public static string Cursor(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>The key of a cursor this API gave (null when none was given), or the 400 that names <c>cursor</c>.</summary>
    public static bool TryKey(string? cursor, out string? key, out ValidationProblem? problem)
    {
        key = null;
        problem = null;
        if (cursor is null)
        {
            return true;
        }

        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return true;
        }
        catch (FormatException)
        {
            problem = BadCursor();
            return false;
        }
    }

    /// <summary>The key of an id-keyed cursor, or the 400 that names <c>cursor</c>.</summary>
    public static bool TryIdKey(string? cursor, out long? id, out ValidationProblem? problem)
    {
        id = null;
        if (!TryKey(cursor, out var key, out problem))
        {
            return false;
        }

        if (key is null)
        {
            return true;
        }

        if (long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            id = parsed;
            return true;
        }

        problem = BadCursor();
        return false;
    }

    /// <summary>The page of <paramref name="rows"/> (read with one more than <paramref name="take"/>), with the cursor of its last item.</summary>
    public static Page<T> Of<TRow, T>(List<TRow> rows, int take, int total, Func<TRow, T> view, Func<TRow, string> key) =>
        new(rows.Take(take).Select(view).ToList(), total, rows.Count > take ? Cursor(key(rows[take - 1])) : null);

    /// <summary>The cursor key of an id.</summary>
    public static string Key(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static ValidationProblem BadCursor() => ApiResults.Invalid("cursor", "is not a cursor this list gave (use the next of the previous page)");
}
