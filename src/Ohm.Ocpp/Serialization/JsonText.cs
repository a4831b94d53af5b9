using System.Buffers.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Ohm.Ocpp.Serialization;

/// <summary>
/// Whether a JSON string can be decoded. <see cref="Utf8JsonReader"/> checks neither the UTF-8 of a string nor that
/// its <c>\u</c> escapes pair their surrogates: a string such as <c>"\ud800"</c> reads as a token, and only decoding it
/// (<see cref="Utf8JsonReader.GetString"/>, <see cref="Utf8JsonReader.ValueTextEquals(string)"/>, ...) throws an
/// <see cref="InvalidOperationException"/>. These checks answer without throwing.
/// </summary>
internal static class JsonText
{
    /// <summary>Whether the string or property name at the reader decodes to valid UTF-16 text.</summary>
    public static bool IsValid(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        return Utf8.IsValid(raw) && (!reader.ValueIsEscaped || EscapesArePaired(raw));
    }

    /// <summary>The string at the reader, or null when it is not valid text.</summary>
    public static string? TryGetString(ref Utf8JsonReader reader) => IsValid(ref reader) ? reader.GetString() : null;

    /// <summary>Whether a document may hold a string that is not valid text: it is not UTF-8, or it has a <c>\u</c> escape.</summary>
    public static bool MayHoldInvalidText(ReadOnlySpan<byte> json) => json.IndexOf("\\u"u8) >= 0 || !Utf8.IsValid(json);

    /// <summary>
    /// Whether every <c>\uD800</c>-<c>\uDBFF</c> escape in a raw string (escapes the reader has checked the syntax of) is
    /// followed by a <c>\uDC00</c>-<c>\uDFFF</c> one, and every low surrogate escape follows a high one.
    /// </summary>
    private static bool EscapesArePaired(ReadOnlySpan<byte> raw)
    {
        var expectLow = false;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                if (expectLow)
                {
                    return false;
                }

                continue;
            }

            if (raw[i + 1] != 'u')
            {
                if (expectLow)
                {
                    return false;
                }

                i++;
                continue;
            }

            if (!Utf8Parser.TryParse(raw.Slice(i + 2, 4), out ushort unit, out _, 'X'))
            {
                return false;
            }

            i += 5;
            if (char.IsHighSurrogate((char)unit))
            {
                if (expectLow)
                {
                    return false;
                }

                expectLow = true;
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                if (!expectLow)
                {
                    return false;
                }

                expectLow = false;
            }
            else if (expectLow)
            {
                return false;
            }
        }

        return !expectLow;
    }
}
