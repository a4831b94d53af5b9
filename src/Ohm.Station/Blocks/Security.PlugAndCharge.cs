using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;
using Ohm.Station.Certificates;

namespace Ohm.Station.Blocks;

/// <summary>What Plug &amp; Charge (C07, M06) reads of block A's certificate store.</summary>
public sealed partial class Security : IPlugAndChargeCertificates
{
    /// <inheritdoc/>
    public IReadOnlyList<X509Certificate2> Installed(GetCertificateIdUseEnumType use)
    {
        if (use == GetCertificateIdUseEnumType.V2GCertificateChain)
        {
            // The station's own SECC certificate, leaf first, then its sub-CAs.
            return V2GCertificate is { } chain ? [chain.Certificate, .. chain.SubCas] : [];
        }

        return Enum.TryParse<CertificateUse>(use.ToString(), out var mapped) ? Certificates.Roots(mapped) : [];
    }
}
