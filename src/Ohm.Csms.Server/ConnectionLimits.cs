using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ohm.Csms.Server;

/// <summary>
/// Kestrel's limits against connection exhaustion: at most Ocpp:MaxConnections connections (upgraded WebSockets
/// included), each beyond it closed as it comes, and a connection that sends no handshake within
/// Ocpp:HandshakeTimeoutSeconds closed. Without them, idle TCP connections took the process to its open-file limit,
/// where it died rather than refused.
/// </summary>
internal static class ConnectionLimits
{
    public static void Apply(KestrelServerOptions kestrel, int maxConnections, TimeSpan handshakeTimeout)
    {
        kestrel.Limits.MaxConcurrentConnections = maxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = maxConnections;
        kestrel.Limits.RequestHeadersTimeout = handshakeTimeout;
        kestrel.Limits.KeepAliveTimeout = handshakeTimeout;
    }

    public static void LogAtStart(WebApplication app)
    {
        var limits = app.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CsmsHost)).LogInformation(
            "Connection limit {MaxConnections} (Ocpp:MaxConnections; open-file limit {OpenFiles}); handshake timeout {Timeout} s",
            limits.MaxConcurrentConnections, OcppEndpointOptions.OpenFileLimit()?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown", limits.RequestHeadersTimeout.TotalSeconds);
    }
}
