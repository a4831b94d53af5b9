using System.Buffers;

namespace Ohm.Ocpp.Transport;

/// <summary>
/// The charging station identity of the connection URL (Part 4): at most 48 characters of the identifierString set
/// (Part 2: a-z, A-Z, 0-9 and <c>* - _ = : + | @ .</c>).
/// </summary>
public static class StationIdentity
{
    /// <summary>The longest identity allowed.</summary>
    public const int MaxLength = 48;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-_=:+|@.");

    /// <summary>Whether <paramref name="identity"/> is a valid station identity; if not, why.</summary>
    public static bool IsValid(string? identity, out string reason)
    {
        if (string.IsNullOrEmpty(identity))
        {
            reason = "The station identity is missing from the URL.";
            return false;
        }

        if (identity.Length > MaxLength)
        {
            reason = $"The station identity is {identity.Length} characters long; at most {MaxLength} are allowed.";
            return false;
        }

        var bad = identity.AsSpan().IndexOfAnyExcept(Allowed);
        if (bad >= 0)
        {
            reason = $"The station identity contains '{identity[bad]}', which is not in the identifierString character set.";
            return false;
        }

        reason = "";
        return true;
    }

    /// <summary>
    /// The identity in a request path that is percent-decoded already, as ASP.NET Core's <c>HttpRequest.Path</c> is: its
    /// last segment, as it is. It is not decoded again: a second decode would turn <c>%2541</c> (sent for the text
    /// <c>%41</c>) into <c>A</c>. An encoded <c>/</c> stays <c>%2F</c> in a decoded path, and neither <c>%</c> nor <c>/</c> is
    /// in the identifierString set, so <see cref="IsValid"/> refuses both.
    /// </summary>
    public static string FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }
}
