namespace Ohm.Ocpp.Rpc;

/// <summary>What a handler knows about the CALL it serves.</summary>
public sealed class OcppCallContext
{
    internal OcppCallContext(OcppConnection connection, string messageId, OcppAction action)
    {
        Connection = connection;
        MessageId = messageId;
        Action = action;
    }

    /// <summary>The connection the CALL came in on; use it to call the peer back.</summary>
    public OcppConnection Connection { get; }

    /// <summary>The identity of the charging station at the other end (or this station's own, on the station side).</summary>
    public string StationId => Connection.StationId;

    /// <summary>The CALL's message id.</summary>
    public string MessageId { get; }

    /// <summary>The action called.</summary>
    public OcppAction Action { get; }
}
