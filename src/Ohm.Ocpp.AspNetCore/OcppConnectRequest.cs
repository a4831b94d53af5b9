using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Ohm.Ocpp.AspNetCore;

/// <summary>What a station presents when it connects, for the host to decide before the WebSocket upgrade.</summary>
public sealed class OcppConnectRequest
{
    internal OcppConnectRequest(HttpContext httpContext, string stationId, string? password, X509Certificate2? clientCertificate)
    {
        HttpContext = httpContext;
        StationId = stationId;
        Password = password;
        ClientCertificate = clientCertificate;
    }

    /// <summary>The HTTP request of the handshake.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The station identity from the URL (validated, and equal to the Basic-auth user name when one was sent).</summary>
    public string StationId { get; }

    /// <summary>The HTTP Basic password (security profile 1 and 2), or null when none was sent.</summary>
    public string? Password { get; }

    /// <summary>The TLS client certificate (security profile 3), or null.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>Whether the connection is over TLS.</summary>
    public bool IsTls => HttpContext.Request.IsHttps;

    /// <summary>The peer's address.</summary>
    public IPAddress? RemoteAddress => HttpContext.Connection.RemoteIpAddress;

    /// <summary>
    /// What <see cref="OcppServerOptions.Authenticate"/> found out about the station (its registration, for example),
    /// handed on to <see cref="OcppServer.Connected"/>. Kept here rather than in <c>HttpContext.Items</c>, whose
    /// dictionary would live as long as the connection.
    /// </summary>
    public object? Admission { get; set; }

    /// <summary>The security profile the connection uses: 3 with a client certificate, 2 over TLS, else 1 (0 when no password either).</summary>
    public int SecurityProfile => ClientCertificate is not null ? 3 : IsTls ? 2 : Password is not null ? 1 : 0;
}
