namespace Ohm.Csms.Queries;

/// <summary>
/// Natural order of identities: runs of digits compare as numbers, so CS2 comes before CS10; the rest compares
/// ordinally, and of two names that are equal as numbers (CS01, CS1) the shorter comes first, so the order is total.
/// </summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (xs, xe) = Digits(x, ref i);
                var (ys, ye) = Digits(y, ref j);
                var byLength = (xe - xs).CompareTo(ye - ys);
                if (byLength != 0)
                {
                    return byLength;
                }

                var byDigits = string.CompareOrdinal(x, xs, y, ys, xe - xs);
                if (byDigits != 0)
                {
                    return byDigits;
                }

                continue;
            }

            var byChar = x[i].CompareTo(y[j]);
            if (byChar != 0)
            {
                return byChar;
            }

            i++;
            j++;
        }

        var byRest = (x.Length - i).CompareTo(y.Length - j);
        return byRest != 0 ? byRest : string.CompareOrdinal(x, y) switch { < 0 => -1, > 0 => 1, _ => x.Length.CompareTo(y.Length) };
    }

    /// <summary>The significant digits of the run at <paramref name="at"/> (leading zeros skipped), moving past the run.</summary>
    private static (int Start, int End) Digits(string text, ref int at)
    {
        while (at < text.Length - 1 && text[at] == '0' && char.IsAsciiDigit(text[at + 1]))
        {
            at++;
        }

        var start = at;
        while (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            at++;
        }

        return (start, at);
    }
}
