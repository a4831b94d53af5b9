using System.Text.Json;
using Ohm.Ocpp.Validation;

namespace Ohm.Ocpp.Rpc;

/// <summary>Writes OCPP-J frames. Payloads are checked against their schema before they can reach the wire.</summary>
internal static class OcppFrameWriter
{
    private const int MaxDescriptionLength = 255;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes <c>[2, id, action, payload]</c>; returns the payload's schema violation instead when it has one.</summary>
    public static OcppValidationError? WriteCall(PooledBufferWriter output, string messageId, OcppAction action, object request)
    {
        var writer = Rent(output);
        writer.WriteStartArray();
        writer.WriteNumberValue((int)OcppMessageType.Call);
        writer.WriteStringValue(messageId);
        writer.WriteStringValue(action.NameUtf8);
        writer.Flush();
        var start = output.WrittenCount;
        JsonSerializer.Serialize(writer, request, action.RequestTypeInfo);
        writer.Flush();
        var error = action.ValidateRequest(PayloadAfter(output, start));
        writer.WriteEndArray();
        writer.Flush();
        return error;
    }

    /// <summary>Writes <c>[2, id, action, payload]</c> around a payload that is JSON already; the caller validated it.</summary>
    public static void WriteCall(PooledBufferWriter output, string messageId, OcppAction action, ReadOnlySpan<byte> payload)
    {
        var writer = Rent(output);
        writer.WriteStartArray();
        writer.WriteNumberValue((int)OcppMessageType.Call);
        writer.WriteStringValue(messageId);
        writer.WriteStringValue(action.NameUtf8);
        writer.WriteRawValue(payload, skipInputValidation: true);
        writer.WriteEndArray();
        writer.Flush();
    }

    /// <summary>Writes <c>[3, id, payload]</c>; returns the payload's schema violation instead when it has one.</summary>
    public static OcppValidationError? WriteCallResult(PooledBufferWriter output, string messageId, OcppAction action, object response)
    {
        var writer = Rent(output);
        writer.WriteStartArray();
        writer.WriteNumberValue((int)OcppMessageType.CallResult);
        writer.WriteStringValue(messageId);
        writer.Flush();
        var start = output.WrittenCount;
        JsonSerializer.Serialize(writer, response, action.ResponseTypeInfo);
        writer.Flush();
        var error = action.ValidateResponse(PayloadAfter(output, start));
        writer.WriteEndArray();
        writer.Flush();
        return error;
    }

    /// <summary>Writes <c>[3, id, payload]</c> around a payload that is JSON already; the caller validated it.</summary>
    public static void WriteCallResult(PooledBufferWriter output, string messageId, ReadOnlySpan<byte> payload)
    {
        var writer = Rent(output);
        writer.WriteStartArray();
        writer.WriteNumberValue((int)OcppMessageType.CallResult);
        writer.WriteStringValue(messageId);
        writer.WriteRawValue(payload, skipInputValidation: true);
        writer.WriteEndArray();
        writer.Flush();
    }

    /// <summary>Writes <c>[4, id, code, description, {}]</c>, the description cut to 255 characters.</summary>
    public static void WriteCallError(PooledBufferWriter output, string messageId, OcppErrorCode code, string description)
    {
        if (description.Length > MaxDescriptionLength)
        {
            // Never between the two halves of a surrogate pair, which would leave a lone one.
            var cut = MaxDescriptionLength - 3;
            if (char.IsHighSurrogate(description[cut - 1]))
            {
                cut--;
            }

            description = description[..cut] + "...";
        }

        var writer = Rent(output);
        writer.WriteStartArray();
        writer.WriteNumberValue((int)OcppMessageType.CallError);
        writer.WriteStringValue(messageId);
        writer.WriteStringValue(code.ToWire());
        writer.WriteStringValue(description);
        writer.WriteStartObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.Flush();
    }

    /// <summary>The value written since <paramref name="start"/>, without the separator the writer put before it.</summary>
    private static ReadOnlySpan<byte> PayloadAfter(PooledBufferWriter output, int start)
    {
        var written = output.WrittenSpan[start..];
        return written.Length > 0 && written[0] == (byte)',' ? written[1..] : written;
    }

    private static Utf8JsonWriter Rent(PooledBufferWriter output)
    {
        var writer = t_writer ??= new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.Reset(output);
        return writer;
    }
}
