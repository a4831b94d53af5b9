using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Rpc;

namespace Ohm.Ocpp.Transport;

/// <summary>Settings of the station side of the WebSocket transport.</summary>
public sealed class OcppClientOptions
{
    /// <summary>The CSMS endpoint without the identity, as in <c>ws://127.0.0.1:9000/ocpp</c> or <c>wss://csms.example/ocpp</c>.</summary>
    public required Uri Endpoint { get; set; }

    /// <summary>The station identity, appended to the endpoint (percent-encoded).</summary>
    public required string StationId { get; set; }

    /// <summary>The HTTP Basic password of security profiles 1 and 2 (user name = station identity); null sends none.</summary>
    public string? Password { get; set; }

    /// <summary>The client certificate of security profile 3, with its private key.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Checks the CSMS's TLS certificate; null uses the machine's trust store. Ignored when <see cref="CsmsRoot"/> is set.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>
    /// The private root the CSMS certificate must chain to (security profiles 2 and 3, as OCPP deployments use). When
    /// set, the TLS handshake builds the chain from what the CSMS presents and this root alone, requires the server
    /// usage, and downloads nothing (no issuer from an AIA address, no online revocation): see <see cref="OcppTls"/>.
    /// It cannot be combined with a caller's <see cref="HttpMessageInvoker"/> (give that handler
    /// <see cref="OcppTls.ChainPolicy"/> instead).
    /// </summary>
    public X509Certificate2? CsmsRoot { get; set; }

    /// <summary>Offer permessage-deflate (RFC 7692). Default on.</summary>
    public bool EnableCompression { get; set; } = true;

    /// <summary>How often a ping is sent. Zero disables keep-alive. Default 30 s.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the pong before the CSMS is taken as gone. Default 30 s.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the WebSocket handshake may take. Default 30 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Settings of the RPC layer.</summary>
    public OcppRpcOptions Rpc { get; set; } = new();

    /// <summary>The full connection URL: the endpoint followed by the percent-encoded identity.</summary>
    public Uri ConnectionUri
    {
        get
        {
            var text = Endpoint.ToString().TrimEnd('/');
            return new Uri(text + "/" + Uri.EscapeDataString(StationId));
        }
    }
}
