namespace Ohm.Csms.Server;

/// <summary>Where and how stations connect (section <c>Ocpp</c> of the configuration).</summary>
public sealed class OcppEndpointOptions
{
    /// <summary>The address the OCPP WebSocket endpoint listens on. Default <c>http://127.0.0.1:9000</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:9000";

    /// <summary>The path stations connect under: <c>{PathPrefix}/{stationId}</c>. Default <c>/ocpp</c>.</summary>
    public string PathPrefix { get; set; } = "/ocpp";

    /// <summary>Negotiate permessage-deflate when a station offers it. Default on.</summary>
    public bool Compression { get; set; } = true;

    /// <summary>Seconds between WebSocket pings; 0 disables them. Default 30.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>Seconds to wait for a CALL's answer. Default 30.</summary>
    public int CallTimeoutSeconds { get; set; } = 30;

    /// <summary>The largest message accepted, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Connections the kernel may hold for the listeners before they are accepted. Default 4096: when every station
    /// reconnects at once (after a restart, or a network outage) the accept loop falls behind for a while, and with
    /// Kestrel's default of 512 the kernel then drops handshakes, which stations retry only after 1, 3, 7, 15 s...
    /// Linux caps it at net.core.somaxconn.
    /// </summary>
    public int ListenBacklog { get; set; } = 4096;

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"Ocpp:Url (--ocpp-url) must be an http:// or https:// URL such as http://127.0.0.1:9000 (is '{Url}').";
        }

        if (string.IsNullOrEmpty(PathPrefix) || PathPrefix[0] != '/')
        {
            yield return $"Ocpp:PathPrefix must start with '/' (is '{PathPrefix}').";
        }

        if (KeepAliveSeconds is < 0 or > 3600)
        {
            yield return $"Ocpp:KeepAliveSeconds must be between 0 and 3600 (is {KeepAliveSeconds}).";
        }

        if (CallTimeoutSeconds is < 1 or > 3600)
        {
            yield return $"Ocpp:CallTimeoutSeconds must be between 1 and 3600 (is {CallTimeoutSeconds}).";
        }

        if (ListenBacklog is < 1 or > 65535)
        {
            yield return $"Ocpp:ListenBacklog must be between 1 and 65535 (is {ListenBacklog}).";
        }

        if (MaxMessageBytes is < 1024 or > 64 * 1024 * 1024)
        {
            yield return $"Ocpp:MaxMessageBytes must be between 1024 and 67108864 (is {MaxMessageBytes}).";
        }
    }
}
