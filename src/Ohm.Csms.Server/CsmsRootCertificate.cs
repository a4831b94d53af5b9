using System.Security.Cryptography.X509Certificates;

namespace Ohm.Csms.Server;

/// <summary>
/// The root certificate a station must trust to connect to this CSMS over TLS (what A05 installs as
/// CSMSRootCertificate), as PEM: <c>Ocpp:Tls:CsmsRootFile</c> when the operator gives one; null when none is known.
/// </summary>
public sealed class CsmsRootCertificate(X509Certificate2? certificate)
{
    /// <summary>The root, or null.</summary>
    public X509Certificate2? Certificate { get; } = certificate;

    /// <summary>The root as PEM, or null.</summary>
    public string? Pem { get; } = certificate?.ExportCertificatePem();
}
