namespace Ohm.Ocpp.Rpc;

/// <summary>How an <see cref="OcppConnection"/> ended, as far as the connection itself can tell (see <see cref="OcppConnection.End"/>).</summary>
public enum OcppConnectionEnd
{
    /// <summary>It has not ended.</summary>
    Open,

    /// <summary>The peer sent a close frame.</summary>
    ClosedByPeer,

    /// <summary>This end closed it (<see cref="OcppConnection.CloseAsync"/> or dispose).</summary>
    ClosedLocally,

    /// <summary>The peer sent a message over the size limit; closed with 1009.</summary>
    MessageTooBig,

    /// <summary>The peer sent a binary message; closed with 1003.</summary>
    BinaryMessage,

    /// <summary>The peer did not take a message within the send timeout; aborted.</summary>
    SendTimeout,

    /// <summary>No pong within the WebSocket keep-alive timeout.</summary>
    KeepAliveTimeout,

    /// <summary>The connection failed or was aborted without a close handshake.</summary>
    Lost,
}
