using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Rpc;

namespace Ohm.Ocpp.Transport;

/// <summary>The station end of the WebSocket transport.</summary>
public static class OcppClient
{
    /// <summary>
    /// Opens the connection to the CSMS with the <c>ocpp2.0.1</c> subprotocol and starts receiving. Dispose the
    /// returned connection to close it.
    /// </summary>
    /// <exception cref="OcppConnectException">The handshake failed (with the HTTP status when the CSMS answered).</exception>
    public static async Task<OcppConnection> ConnectAsync(OcppClientOptions options, OcppHandlers handlers, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var (socket, _) = await OpenAsync(options, null, cancellationToken).ConfigureAwait(false);
        var connection = new OcppConnection(socket, options.StationId, OcppRole.ChargingStation, handlers, options.Rpc, logger);
        _ = connection.RunAsync(CancellationToken.None);
        return connection;
    }

    /// <summary>
    /// Performs the handshake and returns the open WebSocket with the response headers of the handshake;
    /// <paramref name="invoker"/> lets a caller choose how the TCP connection is made (a source address, for example).
    /// </summary>
    public static async Task<(ClientWebSocket Socket, IReadOnlyDictionary<string, IEnumerable<string>> ResponseHeaders)> OpenAsync(
        OcppClientOptions options, HttpMessageInvoker? invoker, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Rpc.Validate();
        using var pinned = options.CsmsRoot is { } root ? PinnedInvoker(options, root, invoker) : null;
        var socket = new ClientWebSocket();
        var o = socket.Options;
        o.AddSubProtocol(OcppSubProtocols.Ocpp201);
        o.CollectHttpResponseDetails = true;
        o.KeepAliveInterval = options.KeepAliveInterval;
        o.KeepAliveTimeout = options.KeepAliveInterval > TimeSpan.Zero ? options.KeepAliveTimeout : Timeout.InfiniteTimeSpan;
        if (options.EnableCompression)
        {
            o.DangerousDeflateOptions = new WebSocketDeflateOptions { ClientContextTakeover = false, ServerContextTakeover = false };
        }

        if (options.Password is not null)
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.StationId + ":" + options.Password));
            o.SetRequestHeader("Authorization", "Basic " + token);
        }

        if (pinned is null && options.ClientCertificate is not null)
        {
            o.ClientCertificates.Add(options.ClientCertificate);
        }

        if (pinned is null && options.ServerCertificateValidation is not null)
        {
            o.RemoteCertificateValidationCallback = options.ServerCertificateValidation;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        try
        {
            // The upgraded connection leaves the handler's pool, so disposing the pinned handler after the handshake
            // leaves the WebSocket open (ClientWebSocket does the same with the handler it makes for itself).
            await socket.ConnectAsync(options.ConnectionUri, pinned ?? invoker, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException)
        {
            var status = socket.HttpStatusCode == 0 ? (HttpStatusCode?)null : socket.HttpStatusCode;
            socket.Dispose();
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            var what = status switch
            {
                HttpStatusCode.BadRequest => $"the CSMS refused the handshake with 400 Bad Request (a station identity it does not accept, or none of the offered subprotocols, {OcppSubProtocols.Ocpp201}, supported)",
                HttpStatusCode.Unauthorized => "the CSMS refused the handshake with 401 Unauthorized (credentials not accepted)",
                { } s => $"the CSMS answered {(int)s} {s}",
                null => ex.Message,
            };
            throw new OcppConnectException($"Could not connect to {options.ConnectionUri}: {what}", status, ex);
        }

        if (socket.SubProtocol != OcppSubProtocols.Ocpp201)
        {
            socket.Abort();
            socket.Dispose();
            throw new OcppConnectException($"The CSMS at {options.ConnectionUri} did not accept the {OcppSubProtocols.Ocpp201} subprotocol.");
        }

        var headers = socket.HttpResponseHeaders ?? new Dictionary<string, IEnumerable<string>>();
        socket.HttpResponseHeaders = null;
        return (socket, headers);
    }

    /// <summary>
    /// A handler whose TLS handshake trusts <paramref name="root"/> only and downloads nothing: SslStream builds its own
    /// chain before any validation callback runs, so the policy must be on the handler, not only in the callback.
    /// </summary>
    private static HttpMessageInvoker PinnedInvoker(OcppClientOptions options, X509Certificate2 root, HttpMessageInvoker? invoker)
    {
        if (invoker is not null)
        {
            throw new ArgumentException("OcppClientOptions.CsmsRoot cannot be combined with a caller's HttpMessageInvoker: give that handler OcppTls.ChainPolicy.", nameof(invoker));
        }

        var handler = new SocketsHttpHandler();
        handler.SslOptions.CertificateChainPolicy = OcppTls.ChainPolicy(root, X509KeyUsageOids.ServerAuth);
        handler.SslOptions.RemoteCertificateValidationCallback = OcppTls.TrustRoot(root);
        if (options.ClientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [options.ClientCertificate];
        }

        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
