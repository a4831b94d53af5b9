namespace Ohm.Ocpp.Rpc;

/// <summary>The message type number, the first element of every OCPP-J frame (Part 4).</summary>
public enum OcppMessageType
{
    /// <summary>A request: <c>[2, messageId, action, payload]</c>.</summary>
    Call = 2,

    /// <summary>A successful response: <c>[3, messageId, payload]</c>.</summary>
    CallResult = 3,

    /// <summary>An error response: <c>[4, messageId, errorCode, errorDescription, errorDetails]</c>.</summary>
    CallError = 4,
}
