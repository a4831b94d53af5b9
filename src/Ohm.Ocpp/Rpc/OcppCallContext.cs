namespace Ohm.Ocpp.Rpc;

/// <summary>What a handler knows about the CALL it serves.</summary>
public sealed class OcppCallContext
{
    /// <summary>Describes a CALL; hosts make one to invoke a handler themselves (a test with the wire faked, say).</summary>
    public OcppCallContext(OcppConnection connection, string messageId, OcppAction action, ReadOnlyMemory<byte> payload = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(action);
        Connection = connection;
        MessageId = messageId;
        Action = action;
        Payload = payload;
    }

    /// <summary>The connection the CALL came in on; use it to call the peer back.</summary>
    public OcppConnection Connection { get; }

    /// <summary>The identity of the charging station at the other end (or this station's own, on the station side).</summary>
    public string StationId => Connection.StationId;

    /// <summary>The CALL's message id.</summary>
    public string MessageId { get; }

    /// <summary>The action called.</summary>
    public OcppAction Action { get; }

    /// <summary>
    /// The request payload's JSON exactly as received (validated), for a handler that must keep what the peer sent
    /// byte for byte (a number beyond what the typed request's decimal holds, say). Valid only until the handler's
    /// task completes: copy what must outlive it.
    /// </summary>
    public ReadOnlyMemory<byte> Payload { get; }
}
