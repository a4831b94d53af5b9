using Ohm.Ocpp.Rpc;

namespace Ohm.Ocpp.AspNetCore;

/// <summary>Settings of the CSMS side of the WebSocket transport.</summary>
public sealed class OcppServerOptions
{
    /// <summary>The path under which stations connect, as in <c>/ocpp/{stationId}</c>. Default <c>/ocpp</c>.</summary>
    public string PathPrefix { get; set; } = "/ocpp";

    /// <summary>Negotiate permessage-deflate (RFC 7692) when the station offers it (Part 4 requires a CSMS to support it). Default on.</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>
    /// Keep the deflate context between messages. Off by default: an idle connection then holds no compressor state,
    /// at the cost of a lower compression ratio for small messages.
    /// </summary>
    public bool CompressionContextTakeover { get; set; }

    /// <summary>How often a ping is sent to the station. Zero disables keep-alive. Default 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the pong before the station is taken as dead and the connection closed. Default 30 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Settings of the RPC layer.</summary>
    public OcppRpcOptions Rpc { get; set; } = new();

    /// <summary>
    /// Decides, before the upgrade, whether a station may connect; false answers 401. Null accepts every station with a
    /// valid identity (development only).
    /// </summary>
    public Func<OcppConnectRequest, ValueTask<bool>>? Authenticate { get; set; }

    /// <summary>Told of every handshake the server refuses before the upgrade, with why (for metrics); null tells no one.</summary>
    public Action<OcppHandshakeRefusal>? Refused { get; set; }

    /// <summary>Checks the values and names the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(PathPrefix) || PathPrefix[0] != '/')
        {
            throw new ArgumentException($"{nameof(PathPrefix)} must start with '/'.");
        }

        if (KeepAliveInterval < TimeSpan.Zero || KeepAliveTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{nameof(KeepAliveInterval)} and {nameof(KeepAliveTimeout)} must not be negative.");
        }

        Rpc.Validate();
    }
}
