using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.AspNetCore;

/// <summary>
/// The CSMS end of the WebSocket transport: checks the station identity, the subprotocol and the credentials before the
/// upgrade, refusing with an HTTP error, then runs an <see cref="OcppConnection"/> per station. A station that connects
/// again replaces its older connection.
/// </summary>
public sealed class OcppServer
{
    private readonly ConcurrentDictionary<string, OcppConnection> _connections = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private readonly ILogger _connectionLogger;

    /// <summary>Creates a server that answers CALLs with <paramref name="handlers"/>.</summary>
    public OcppServer(OcppHandlers handlers, OcppServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Handlers = handlers;
        Options = options;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<OcppServer>();
        _connectionLogger = loggerFactory.CreateLogger<OcppConnection>();
    }

    /// <summary>The handlers of the CALLs that stations send.</summary>
    public OcppHandlers Handlers { get; }

    /// <summary>The settings.</summary>
    public OcppServerOptions Options { get; }

    /// <summary>Raised when a station's connection is open, before its first message is read.</summary>
    public event Action<OcppConnection, OcppConnectRequest>? Connected;

    /// <summary>Raised when a station's connection has closed.</summary>
    public event Action<OcppConnection>? Disconnected;

    /// <summary>The open connections by station identity.</summary>
    public IReadOnlyDictionary<string, OcppConnection> Connections => _connections;

    /// <summary>The open connection of a station, or null.</summary>
    public OcppConnection? Find(string stationId) => _connections.GetValueOrDefault(stationId);

    /// <summary>Serves one HTTP request under the path prefix: the WebSocket handshake and then the connection.</summary>
    /// <remarks>
    /// The handshake runs in its own method so that what it needed (the credentials, the admission's findings) is not
    /// kept for the life of the connection: this method's state is what an idle connection holds.
    /// </remarks>
    public async Task HandleAsync(HttpContext context)
    {
        var (connection, socket) = await AcceptAsync(context).ConfigureAwait(false);
        if (connection is null)
        {
            return;
        }

        try
        {
            // The connection ends when the station closes it, the socket fails, or Kestrel aborts it (which fails the
            // read); HttpContext.RequestAborted is not watched, so that an idle connection holds no registration on it.
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(new KeyValuePair<string, OcppConnection>(connection.StationId, connection));
            _logger.LogInformation("Station {StationId} disconnected", connection.StationId);
            socket!.Dispose();
            Disconnected?.Invoke(connection);
        }
    }

    private async Task<(OcppConnection? Connection, WebSocket? Socket)> AcceptAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stationId = StationIdentity.FromPath(context.Request.Path.Value ?? "");
        if (!StationIdentity.IsValid(stationId, out var reason))
        {
            await RefuseAsync(context, OcppHandshakeRefusal.BadIdentity, StatusCodes.Status400BadRequest, reason).ConfigureAwait(false);
            return default;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await RefuseAsync(context, OcppHandshakeRefusal.NotWebSocket, StatusCodes.Status400BadRequest, "This is an OCPP-J WebSocket endpoint; connect with a WebSocket upgrade.").ConfigureAwait(false);
            return default;
        }

        // Checked before the credentials, since it costs nothing. The upgrade is refused outright, before any WebSocket
        // exists (the errata's test of the mandatory subprotocol expects an HTTP error, not a handshake and a close).
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        if (!offered.Contains(OcppSubProtocols.Ocpp201))
        {
            _logger.LogWarning("Station {StationId} offered no supported subprotocol ({Offered}); refused with 400", stationId, string.Join(",", offered));
            await RefuseAsync(context, OcppHandshakeRefusal.NoSupportedSubprotocol, StatusCodes.Status400BadRequest, $"No supported subprotocol offered: this CSMS supports {OcppSubProtocols.Ocpp201} only (Sec-WebSocket-Protocol).").ConfigureAwait(false);
            return default;
        }

        if (!TryReadBasicAuth(context, out var user, out var password))
        {
            await RefuseAsync(context, OcppHandshakeRefusal.BadAuthorizationHeader, StatusCodes.Status401Unauthorized, "The Authorization header is not valid HTTP Basic authentication.").ConfigureAwait(false);
            return default;
        }

        if (user is not null && user != stationId)
        {
            await RefuseAsync(context, OcppHandshakeRefusal.UserNameMismatch, StatusCodes.Status401Unauthorized, "The Basic-auth user name must equal the station identity in the URL.").ConfigureAwait(false);
            return default;
        }

        var certificate = context.Connection.ClientCertificate;
        var request = new OcppConnectRequest(context, stationId, password, certificate);
        if (Options.Authenticate is { } authenticate && !await authenticate(request).ConfigureAwait(false))
        {
            _logger.LogWarning("Refused station {StationId} from {Remote}: not authorized", stationId, request.RemoteAddress);
            await RefuseAsync(context, OcppHandshakeRefusal.NotAuthorized, StatusCodes.Status401Unauthorized, "The station is not authorized to connect.").ConfigureAwait(false);
            return default;
        }

        var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = OcppSubProtocols.Ocpp201,
            DangerousEnableCompression = Options.EnableCompression,
            DisableServerContextTakeover = !Options.CompressionContextTakeover,
            KeepAliveInterval = Options.KeepAliveInterval,
            KeepAliveTimeout = Options.KeepAliveInterval > TimeSpan.Zero ? Options.KeepAliveTimeout : Timeout.InfiniteTimeSpan,
        }).ConfigureAwait(false);

        // The handshake's headers are not read again, and Kestrel would keep them (the Authorization header with the
        // station's password among them) for as long as the connection lives.
        context.Request.Headers.Clear();
        var connection = new OcppConnection(socket, stationId, OcppRole.Csms, Handlers, Options.Rpc, _connectionLogger);
        if (_connections.TryGetValue(stationId, out var older))
        {
            _logger.LogInformation("Station {StationId} connected again; closing its older connection", stationId);
        }

        _connections[stationId] = connection;
        if (older is not null)
        {
            await older.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Replaced by a newer connection of the same station.").ConfigureAwait(false);
        }

        _logger.LogInformation("Station {StationId} connected from {Remote} (security profile {Profile})", stationId, request.RemoteAddress, request.SecurityProfile);
        try
        {
            Connected?.Invoke(connection, request);
        }
        catch
        {
            _connections.TryRemove(new KeyValuePair<string, OcppConnection>(stationId, connection));
            socket.Dispose();
            Disconnected?.Invoke(connection);
            throw;
        }

        return (connection, socket);
    }

    private static bool TryReadBasicAuth(HttpContext context, out string? user, out string? password)
    {
        user = null;
        password = null;
        string? header = context.Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }

        const string scheme = "Basic ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[512];
        if (!Convert.TryFromBase64String(header[scheme.Length..].Trim(), decoded, out var written))
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(decoded[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    private Task RefuseAsync(HttpContext context, OcppHandshakeRefusal refusal, int status, string reason)
    {
        Options.Refused?.Invoke(refusal);
        context.Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"OCPP\", charset=\"UTF-8\"";
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason, context.RequestAborted);
    }
}
