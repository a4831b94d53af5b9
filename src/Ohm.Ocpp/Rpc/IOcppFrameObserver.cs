namespace Ohm.Ocpp.Rpc;

/// <summary>Whether a frame came in from the peer or went out to it.</summary>
public enum OcppFrameDirection
{
    /// <summary>The peer sent it.</summary>
    Received,

    /// <summary>This end sent it.</summary>
    Sent,
}

/// <summary>
/// Sees the frames of connections, for a message trace. Set on <see cref="OcppRpcOptions.FrameObserver"/>. The connection
/// asks <see cref="IsObserving"/> once per frame and, only when it answers true, calls <see cref="OnFrame"/>: with no
/// observer, or one that observes nothing, a frame costs one check and no allocation.
/// </summary>
public interface IOcppFrameObserver
{
    /// <summary>Whether the frames of <paramref name="connection"/> are wanted now. Called for every frame: keep it cheap.</summary>
    bool IsObserving(OcppConnection connection);

    /// <summary>
    /// One frame in or out. <paramref name="messageType"/> is null for a frame that is not valid OCPP-J (then
    /// <paramref name="messageId"/> may be null too); <paramref name="action"/> is the CALL's action, for a response the
    /// action of the CALL it answers where known. <paramref name="frame"/> is the frame's UTF-8 text, valid only during the
    /// call. Called on the connection's receive or send path: do not block, do not throw.
    /// </summary>
    void OnFrame(OcppConnection connection, OcppFrameDirection direction, OcppMessageType? messageType, string? messageId, string? action, ReadOnlySpan<byte> frame);
}
