using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ohm.Ocpp.Serialization;

/// <summary>Reads and writes <see cref="DateTimeOffset"/> the way OCPP-J requires (see <see cref="OcppDateTime"/>).</summary>
public sealed class OcppDateTimeConverter : JsonConverter<DateTimeOffset>
{
    /// <inheritdoc/>
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadValue(ref reader);

    /// <summary>Reads the date-time string at the reader, as the generated message readers do.</summary>
    internal static DateTimeOffset ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (!reader.ValueIsEscaped)
            {
                if (OcppDateTime.TryParse(reader.ValueSpan, out var value))
                {
                    return value;
                }
            }
            else if (reader.ValueSpan.Length <= 256)
            {
                Span<byte> buffer = stackalloc byte[256];
                if (OcppDateTime.TryParse(buffer[..reader.CopyString(buffer)], out var value))
                {
                    return value;
                }
            }
        }

        throw new JsonException("Expected an RFC 3339 date-time with a time zone offset.");
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Span<byte> buffer = stackalloc byte[OcppDateTime.FormattedLength];
        OcppDateTime.Format(value, buffer);
        writer.WriteStringValue(buffer);
    }
}
