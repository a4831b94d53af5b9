using System.Text.Json;
using Ohm.Ocpp.Serialization;

namespace Ohm.Ocpp.Rpc;

/// <summary>
/// One OCPP-J frame as read from the wire. The payload (and a CALLERROR's details) stay in the receive buffer as
/// ranges, so that reading a frame copies nothing but its message id and action.
/// </summary>
internal readonly struct OcppFrame
{
    public const int MaxMessageIdLength = 36;

    public OcppMessageType Type { get; init; }

    public string MessageId { get; init; }

    public string? Action { get; init; }

    public Range Payload { get; init; }

    public string? ErrorCode { get; init; }

    public string? ErrorDescription { get; init; }

    /// <summary>Parses a frame; on failure returns false with the CALLERROR to answer (its message id may be "-1").</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, out OcppFrame frame, out OcppFrameError error)
    {
        frame = default;
        error = default;
        try
        {
            return Parse(json, out frame, out error);
        }
        catch (JsonException)
        {
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, "The message is not valid JSON.");
            return false;
        }
    }

    private static bool Parse(ReadOnlySpan<byte> json, out OcppFrame frame, out OcppFrameError error)
    {
        frame = default;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            EnsureEnd(ref reader);
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, "The message is not an OCPP-J array.");
            return false;
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var typeNumber))
        {
            reader.Skip();
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, "The message type number is missing or not an integer.");
            return SkipRest(ref reader);
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, "The message id is missing or not a string.", IsResponse(typeNumber));
            return SkipRest(ref reader);
        }

        var messageId = JsonText.TryGetString(ref reader);
        if (messageId is null)
        {
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, "The message id is not valid text (invalid UTF-8 or an unpaired surrogate escape).", IsResponse(typeNumber));
            return SkipRest(ref reader);
        }

        if (messageId.Length is 0 or > MaxMessageIdLength)
        {
            error = new OcppFrameError(OcppFrameError.UnknownId, OcppErrorCode.RpcFrameworkError, $"The message id must be 1 to {MaxMessageIdLength} characters long.", IsResponse(typeNumber));
            return SkipRest(ref reader);
        }

        switch (typeNumber)
        {
            case (int)OcppMessageType.Call:
                if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                    error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, "The CALL has no action name.");
                    return SkipRest(ref reader);
                }

                var action = JsonText.TryGetString(ref reader);
                if (action is null)
                {
                    error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, "The action name is not valid text (invalid UTF-8 or an unpaired surrogate escape).");
                    return SkipRest(ref reader);
                }

                if (!ReadPayload(ref reader, out var payload))
                {
                    error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, "The CALL has no payload.");
                    return SkipRest(ref reader);
                }

                frame = new OcppFrame { Type = OcppMessageType.Call, MessageId = messageId, Action = action, Payload = payload };
                break;

            case (int)OcppMessageType.CallResult:
                if (!ReadPayload(ref reader, out var result))
                {
                    error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, "The CALLRESULT has no payload.", IsResponse: true);
                    return SkipRest(ref reader);
                }

                frame = new OcppFrame { Type = OcppMessageType.CallResult, MessageId = messageId, Payload = result };
                break;

            case (int)OcppMessageType.CallError:
                string? code = null, description = null;
                if (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    code = JsonText.TryGetString(ref reader);
                    if (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        description = JsonText.TryGetString(ref reader);
                        ReadPayload(ref reader, out _);
                    }
                }

                if (code is null)
                {
                    reader.Skip();
                    error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, "The CALLERROR has no error code.", IsResponse: true);
                    return SkipRest(ref reader);
                }

                frame = new OcppFrame { Type = OcppMessageType.CallError, MessageId = messageId, ErrorCode = code, ErrorDescription = description };
                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    error = default;
                    return EnsureEnd(ref reader);
                }

                break;

            default:
                error = new OcppFrameError(messageId, OcppErrorCode.MessageTypeNotSupported, $"The message type {typeNumber} is not supported.");
                return SkipRest(ref reader);
        }

        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)
        {
            error = new OcppFrameError(messageId, OcppErrorCode.RpcFrameworkError, $"The {Describe(frame.Type)} has more elements than OCPP-J allows.", IsResponse: frame.Type != OcppMessageType.Call);
            frame = default;
            return SkipRest(ref reader);
        }

        error = default;
        return EnsureEnd(ref reader);
    }

    /// <summary>Whether the frame is a CALLRESULT or CALLERROR, which is dropped when malformed, never answered.</summary>
    private static bool IsResponse(int typeNumber) => typeNumber is (int)OcppMessageType.CallResult or (int)OcppMessageType.CallError;

    private static string Describe(OcppMessageType type) => type switch
    {
        OcppMessageType.Call => "CALL",
        OcppMessageType.CallResult => "CALLRESULT",
        _ => "CALLERROR",
    };

    private static bool ReadPayload(ref Utf8JsonReader reader, out Range payload)
    {
        payload = default;
        if (!reader.Read() || reader.TokenType == JsonTokenType.EndArray)
        {
            return false;
        }

        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        payload = new Range(start, (int)reader.BytesConsumed);
        return true;
    }

    /// <summary>Reads to the end of the document so that a frame that is not JSON is told apart from a bad array.</summary>
    private static bool SkipRest(ref Utf8JsonReader reader)
    {
        while (reader.CurrentDepth > 0 && reader.Read())
        {
            reader.Skip();
        }

        return false;
    }

    private static bool EnsureEnd(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("Content after the end of the message.");
        }

        return true;
    }
}

/// <summary>Why a frame could not be read, and how to answer it.</summary>
/// <remarks>A malformed CALLRESULT or CALLERROR (<see cref="IsResponse"/>) is logged and dropped, never answered.</remarks>
internal readonly record struct OcppFrameError(string MessageId, OcppErrorCode Code, string Description, bool IsResponse = false)
{
    /// <summary>The message id of a CALLERROR that answers a frame whose id could not be read.</summary>
    public const string UnknownId = "-1";
}
