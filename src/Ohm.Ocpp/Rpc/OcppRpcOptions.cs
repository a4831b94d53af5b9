namespace Ohm.Ocpp.Rpc;

/// <summary>Settings of the OCPP-J RPC layer, the same for both roles.</summary>
public sealed class OcppRpcOptions
{
    /// <summary>How long a CALL waits for its CALLRESULT or CALLERROR. Default 30 s.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest message accepted, in bytes; a larger one closes the connection with 1009. Default 1 MiB.</summary>
    public int MaxMessageSize { get; set; } = 1024 * 1024;

    /// <summary>Incoming CALLs queued behind the one being handled before further ones are refused. Default 16.</summary>
    public int MaxQueuedIncomingCalls { get; set; } = 16;

    /// <summary>
    /// How long the peer has to take one message we send (the socket's send completing) before the connection is
    /// aborted: a peer that stops reading would otherwise hold our answers, and the work behind them, for as long as it
    /// likes. Default 30 s.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sees every frame in and out when it asks to (a message trace); null, the default, costs nothing.
    /// </summary>
    public IOcppFrameObserver? FrameObserver { get; set; }

    /// <summary>Checks the values and names the first bad one.</summary>
    public void Validate()
    {
        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(CallTimeout)} must be positive.");
        }

        if (SendTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(SendTimeout)} must be positive.");
        }

        if (MaxMessageSize < 1024)
        {
            throw new ArgumentException($"{nameof(MaxMessageSize)} must be at least 1024 bytes.");
        }

        if (MaxQueuedIncomingCalls < 1)
        {
            throw new ArgumentException($"{nameof(MaxQueuedIncomingCalls)} must be at least 1.");
        }
    }
}
