using System.Buffers.Text;

namespace Ohm.Ocpp.Serialization;

/// <summary>
/// The date-time of OCPP-J: RFC 3339 with a mandatory offset on input (the schemas' "date-time" format), and UTC with a
/// <c>Z</c> and millisecond precision on output.
/// </summary>
public static class OcppDateTime
{
    /// <summary>Bytes that <see cref="Format"/> writes: <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    public const int FormattedLength = 24;

    private const int MaxOffsetMinutes = 14 * 60;

    /// <summary>
    /// Parses an RFC 3339 date-time; false for anything else, including a date-time without an offset or with one beyond
    /// ±14:00.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20
            || !Digits(s, 0, 4, out var year) || s[4] != '-'
            || !Digits(s, 5, 2, out var month) || s[7] != '-'
            || !Digits(s, 8, 2, out var day) || (s[10] | 0x20) != 't'
            || !Digits(s, 11, 2, out var hour) || s[13] != ':'
            || !Digits(s, 14, 2, out var minute) || s[16] != ':'
            || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        var i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            var start = i;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit((char)s[i]))
            {
                scale /= 10;
                fractionTicks += (s[i] - '0') * scale;
                i++;
            }

            if (i == start)
            {
                return false;
            }
        }

        if (i >= s.Length)
        {
            return false;
        }

        TimeSpan offset;
        if ((s[i] | 0x20) == 'z')
        {
            offset = TimeSpan.Zero;
            i++;
        }
        else if (s[i] is (byte)'+' or (byte)'-')
        {
            // RFC 3339 allows offsets up to 23:59, but no time zone is more than 14 hours from UTC and DateTimeOffset
            // cannot hold more.
            if (s.Length - i != 6 || !Digits(s, i + 1, 2, out var oh) || s[i + 3] != ':' || !Digits(s, i + 4, 2, out var om) || om > 59
                || (oh * 60) + om > MaxOffsetMinutes)
            {
                return false;
            }

            offset = new TimeSpan(oh, om, 0);
            if (s[i] == '-')
            {
                offset = -offset;
            }

            i += 6;
        }
        else
        {
            return false;
        }

        if (i != s.Length || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(fractionTicks);
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(local, offset);
        return true;
    }

    /// <summary>Writes the value in UTC as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>; returns the bytes written (24).</summary>
    public static int Format(DateTimeOffset value, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, FormattedLength, nameof(destination));
        var utc = value.UtcDateTime;
        Write(destination, 0, utc.Year, 4);
        destination[4] = (byte)'-';
        Write(destination, 5, utc.Month, 2);
        destination[7] = (byte)'-';
        Write(destination, 8, utc.Day, 2);
        destination[10] = (byte)'T';
        Write(destination, 11, utc.Hour, 2);
        destination[13] = (byte)':';
        Write(destination, 14, utc.Minute, 2);
        destination[16] = (byte)':';
        Write(destination, 17, utc.Second, 2);
        destination[19] = (byte)'.';
        Write(destination, 20, utc.Millisecond, 3);
        destination[23] = (byte)'Z';
        return FormattedLength;
    }

    /// <summary>The value as OCPP-J writes it.</summary>
    public static string ToWire(DateTimeOffset value)
    {
        Span<byte> buffer = stackalloc byte[FormattedLength];
        Format(value, buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private static void Write(Span<byte> destination, int at, int value, int digits)
    {
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[at + i] = (byte)('0' + (value % 10));
            value /= 10;
        }
    }

    private static bool Digits(ReadOnlySpan<byte> s, int at, int count, out int value)
    {
        value = 0;
        if (at + count > s.Length)
        {
            return false;
        }

        var slice = s.Slice(at, count);
        foreach (var b in slice)
        {
            if (!char.IsAsciiDigit((char)b))
            {
                return false;
            }
        }

        return Utf8Parser.TryParse(slice, out value, out var consumed) && consumed == count;
    }
}
