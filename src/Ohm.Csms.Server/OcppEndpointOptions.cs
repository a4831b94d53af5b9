namespace Ohm.Csms.Server;

/// <summary>Where and how stations connect (section <c>Ocpp</c> of the configuration).</summary>
public sealed class OcppEndpointOptions
{
    /// <summary>The address the OCPP WebSocket endpoint listens on. Default <c>http://127.0.0.1:9000</c>.</summary>
    public string Url { get; set; } = "http://127.0.0.1:9000";

    /// <summary>
    /// A second OCPP listener without TLS (an <c>http://</c> address) beside an <c>https://</c> <see cref="Url"/>, for
    /// stations still on security profile 1 while a fleet moves to TLS (A05). Unset by default: one listener. A station
    /// registered for profile 2 or 3 is refused on it, as on any connection without TLS.
    /// </summary>
    public string? PlainUrl { get; set; }

    /// <summary>The path stations connect under: <c>{PathPrefix}/{stationId}</c>. Default <c>/ocpp</c>.</summary>
    public string PathPrefix { get; set; } = "/ocpp";

    /// <summary>Negotiate permessage-deflate when a station offers it. Default on.</summary>
    public bool Compression { get; set; } = true;

    /// <summary>Seconds between WebSocket pings; 0 disables them. Default 30.</summary>
    public int KeepAliveSeconds { get; set; } = 30;

    /// <summary>Seconds to wait for a CALL's answer. Default 30.</summary>
    public int CallTimeoutSeconds { get; set; } = 30;

    /// <summary>Seconds a station has to take one message the CSMS sends before its connection is aborted (a station that stops reading). Default 30.</summary>
    public int SendTimeoutSeconds { get; set; } = 30;

    /// <summary>The largest message accepted, in bytes. Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Connections the kernel may hold for the listeners before they are accepted. Default 4096: when every station
    /// reconnects at once (after a restart, or a network outage) the accept loop falls behind for a while, and with
    /// Kestrel's default of 512 the kernel then drops handshakes, which stations retry only after 1, 3, 7, 15 s...
    /// Linux caps it at net.core.somaxconn.
    /// </summary>
    public int ListenBacklog { get; set; } = 4096;

    /// <summary>
    /// Connections (OCPP and API together, upgraded WebSockets among them) Kestrel holds at once; more are closed as they
    /// come, so the process refuses connections rather than die at its open-file limit. Default: below the process's
    /// open-file limit (RLIMIT_NOFILE) by 10% or 1,000, whichever leaves more room for the database, logs and files;
    /// <see cref="FallbackMaxConnections"/> where the limit cannot be read.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>
    /// Seconds a new connection has to send its WebSocket handshake (Kestrel's request-headers and keep-alive
    /// timeouts); one that sends nothing is closed then. Default 10.
    /// </summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>Limits of failed handshakes (section <c>Ocpp:FailedHandshakes</c>).</summary>
    public FailedHandshakeOptions FailedHandshakes { get; set; } = new();

    /// <summary>The connection limit where the open-file limit cannot be read.</summary>
    public const int FallbackMaxConnections = 10_000;

    /// <summary><see cref="MaxConnections"/>, or the default made from the process's open-file limit.</summary>
    public int EffectiveMaxConnections() => MaxConnections ?? DefaultMaxConnections(OpenFileLimit());

    /// <summary>The default connection limit for an open-file limit (null: unknown or unlimited).</summary>
    public static int DefaultMaxConnections(long? openFileLimit)
    {
        if (openFileLimit is not { } limit || limit <= 0 || limit > int.MaxValue)
        {
            return FallbackMaxConnections;
        }

        var room = Math.Max(limit / 10, 1000);
        var connections = limit - room;

        // A small limit (1024, say) would leave almost nothing after 1,000: keep half of it for connections then.
        return (int)Math.Max(connections, limit / 2);
    }

    /// <summary>The soft open-file limit of this process, from /proc/self/limits on Linux; null elsewhere or when unlimited.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/limits"))
            {
                return null;
            }

            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                // "Max open files            1048576              1048576              files"
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields.Length > 0 && long.TryParse(fields[0], System.Globalization.CultureInfo.InvariantCulture, out var soft) ? soft : null;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return $"Ocpp:Url (--ocpp-url) must be an http:// or https:// URL such as http://127.0.0.1:9000 (is '{Url}').";
        }

        if (PlainUrl is not null && (!Uri.TryCreate(PlainUrl, UriKind.Absolute, out var plain) || plain.Scheme != "http" || uri?.Scheme != "https"))
        {
            yield return $"Ocpp:PlainUrl must be an http:// URL such as http://127.0.0.1:9001, beside an https:// Ocpp:Url (is '{PlainUrl}', Ocpp:Url '{Url}').";
        }

        if (string.IsNullOrEmpty(PathPrefix) || PathPrefix[0] != '/')
        {
            yield return $"Ocpp:PathPrefix must start with '/' (is '{PathPrefix}').";
        }

        if (KeepAliveSeconds is < 0 or > 3600)
        {
            yield return $"Ocpp:KeepAliveSeconds must be between 0 and 3600 (is {KeepAliveSeconds}).";
        }

        if (SendTimeoutSeconds is < 1 or > 3600)
        {
            yield return $"Ocpp:SendTimeoutSeconds must be between 1 and 3600 (is {SendTimeoutSeconds}).";
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

        if (MaxConnections is < 1 or > 10_000_000)
        {
            yield return $"Ocpp:MaxConnections must be between 1 and 10000000, or left out for a default below the open-file limit (is {MaxConnections}).";
        }

        if (HandshakeTimeoutSeconds is < 1 or > 300)
        {
            yield return $"Ocpp:HandshakeTimeoutSeconds must be between 1 and 300 (is {HandshakeTimeoutSeconds}).";
        }

        if (FailedHandshakes.PerAddressPerMinute is < 1 or > 1_000_000)
        {
            yield return $"Ocpp:FailedHandshakes:PerAddressPerMinute must be between 1 and 1000000 (is {FailedHandshakes.PerAddressPerMinute}).";
        }

        if (FailedHandshakes.PerStationPerMinute is < 1 or > 1_000_000)
        {
            yield return $"Ocpp:FailedHandshakes:PerStationPerMinute must be between 1 and 1000000 (is {FailedHandshakes.PerStationPerMinute}).";
        }
    }
}

/// <summary>
/// How many refused handshakes (wrong, missing or unknown credentials) are allowed per minute before further attempts
/// are answered 429 with Retry-After, without checking credentials (section <c>Ocpp:FailedHandshakes</c>).
/// </summary>
public sealed class FailedHandshakeOptions
{
    /// <summary>Refused handshakes per remote address (an IPv6 /64) per minute. Default 60.</summary>
    public int PerAddressPerMinute { get; set; } = 60;

    /// <summary>Refused handshakes per claimed station identity per minute. Default 20.</summary>
    public int PerStationPerMinute { get; set; } = 20;
}
