using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Blocks;

/// <summary>
/// What Plug &amp; Charge reads of the station's certificate store: the installed certificates of a use. MORootCertificate
/// validates an EV's contract chain (C07); V2GCertificateChain is the station's own V2G (SECC) certificate, leaf first,
/// then its sub-CAs, whose OCSP status M06 keeps; V2GRootCertificate anchors that chain.
/// </summary>
public interface IPlugAndChargeCertificates
{
    /// <summary>The certificates installed for <paramref name="use"/>; empty when none.</summary>
    IReadOnlyList<X509Certificate2> Installed(GetCertificateIdUseEnumType use);
}

/// <summary>An in-memory <see cref="IPlugAndChargeCertificates"/>: the certificates set per use, for a station without a certificate store of its own (and for tests).</summary>
public sealed class PlugAndChargeCertificates : IPlugAndChargeCertificates
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GetCertificateIdUseEnumType, IReadOnlyList<X509Certificate2>> _installed = [];

    /// <inheritdoc/>
    public IReadOnlyList<X509Certificate2> Installed(GetCertificateIdUseEnumType use)
    {
        lock (_lock)
        {
            return _installed.GetValueOrDefault(use) ?? [];
        }
    }

    /// <summary>Sets the certificates of a use (replacing those set before); an empty list removes them.</summary>
    public void Set(GetCertificateIdUseEnumType use, params IReadOnlyList<X509Certificate2> certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        lock (_lock)
        {
            _installed[use] = [.. certificates];
        }
    }
}
