using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Certificates;

/// <summary>
/// Signs a station's certificate signing request (A02/A03, and the V2G certificate of M). The CSMS has already checked
/// the CSR (signature, CN = station identity, O = Csms:Certificates:OrganizationName, key strength) before it asks.
/// The built-in <see cref="BuiltInCertificateAuthority"/> is the default; an operator with an external CA registers
/// their own implementation as a singleton in the host's <c>configure</c> callback (it replaces the default).
/// </summary>
public interface ICertificateSigner
{
    /// <summary>
    /// Returns the signed certificate chain as PEM, the leaf first, then the CA certificates up to (and including, or
    /// not, as the CA's policy is) the root; this is what CertificateSigned carries.
    /// </summary>
    Task<string> SignAsync(StationCsr request, CancellationToken cancellationToken);
}

/// <summary>A checked CSR of <paramref name="StationId"/> for a certificate of <paramref name="CertificateType"/>, as PEM and parsed.</summary>
public sealed record StationCsr(string StationId, CertificateSigningUseEnumType CertificateType, string CsrPem, CertificateRequest Parsed);
