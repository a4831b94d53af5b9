using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Certificates;

/// <summary>One installed certificate: the certificate, the sub-CAs that came with it (leaf certificates), and its use.</summary>
/// <param name="Id">The SHA-256 fingerprint of the certificate, in hexadecimal: its key in the store.</param>
/// <param name="Use">What it is for.</param>
/// <param name="Certificate">The certificate (without its private key).</param>
/// <param name="Chain">The sub-CA certificates installed with a leaf, nearest first; empty for a root.</param>
public sealed record InstalledCertificate(string Id, CertificateUse Use, X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> Chain);

/// <summary>
/// The certificates installed on the station, by use (M03-M05, A02/A03), persisted in the station's store as PEM (one
/// record each, the leaf first and its sub-CAs after it); the private keys of the station's own certificates are in the
/// <see cref="KeyStore"/>, named <c>cert-&lt;id&gt;</c>. Certificates survive a restart; the store is read each time.
/// </summary>
public sealed class CertificateStore
{
    private const string Prefix = "cert:";
    private readonly Func<StationStore> _store;
    private readonly KeyStore _keys;

    /// <summary>Certificates in <paramref name="store"/>, keys in <paramref name="keys"/>.</summary>
    public CertificateStore(Func<StationStore> store, KeyStore keys)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keys);
        _store = store;
        _keys = keys;
    }

    /// <summary>How many certificates are installed (every use).</summary>
    public int Count => _store().GetRecords(Prefix).Count;

    /// <summary>The installed certificates of <paramref name="use"/> (all when null), oldest first by notBefore.</summary>
    public IReadOnlyList<InstalledCertificate> List(CertificateUse? use = null)
    {
        var prefix = use is null ? Prefix : Prefix + use + ":";
        var result = new List<InstalledCertificate>();
        foreach (var (key, pem) in _store().GetRecords(prefix))
        {
            var parts = key.Split(':');
            if (parts.Length != 3 || !Enum.TryParse<CertificateUse>(parts[1], out var u))
            {
                continue;
            }

            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(pem);
            if (collection.Count == 0)
            {
                continue;
            }

            result.Add(new InstalledCertificate(parts[2], u, collection[0], collection.Skip(1).ToList()));
        }

        return result.OrderBy(c => c.Certificate.NotBefore).ToList();
    }

    /// <summary>The root certificates of <paramref name="use"/>.</summary>
    public IReadOnlyList<X509Certificate2> Roots(CertificateUse use) => List(use).Select(c => c.Certificate).ToList();

    /// <summary>Installs <paramref name="certificate"/> (and the sub-CAs of a leaf) for <paramref name="use"/>; installing it again changes nothing.</summary>
    public InstalledCertificate Install(CertificateUse use, X509Certificate2 certificate, IReadOnlyList<X509Certificate2>? chain = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var id = Id(certificate);
        var pem = new StringBuilder(certificate.ExportCertificatePem()).Append('\n');
        foreach (var sub in chain ?? [])
        {
            pem.Append(sub.ExportCertificatePem()).Append('\n');
        }

        _store().SetRecord(Prefix + use + ":" + id, pem.ToString());
        return new InstalledCertificate(id, use, certificate, chain ?? []);
    }

    /// <summary>Removes an installed certificate and the private key that belongs to it; false when it was not installed.</summary>
    public bool Remove(InstalledCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var key = Prefix + certificate.Use + ":" + certificate.Id;
        if (_store().GetRecord(key) is null)
        {
            return false;
        }

        _store().DeleteRecord(key);
        _keys.Delete(KeyName(certificate));
        return true;
    }

    /// <summary>The name in the <see cref="KeyStore"/> of the private key of <paramref name="certificate"/>.</summary>
    public static string KeyName(InstalledCertificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return "cert-" + certificate.Id;
    }

    /// <summary>The certificate of <paramref name="installed"/> with its private key, or null when the key is missing.</summary>
    public X509Certificate2? WithPrivateKey(InstalledCertificate installed)
    {
        ArgumentNullException.ThrowIfNull(installed);
        using var key = _keys.Load(KeyName(installed));
        using var joined = key switch
        {
            ECDsa ec => installed.Certificate.CopyWithPrivateKey(ec),
            RSA rsa => installed.Certificate.CopyWithPrivateKey(rsa),
            _ => null,
        };

        // Through PKCS#12 so that every platform's TLS can use the key (an ephemeral key is not enough everywhere).
        return joined is null ? null : X509CertificateLoader.LoadPkcs12(joined.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// The station's own certificate of <paramref name="use"/> to present now: the newest valid at <paramref name="now"/>
    /// whose private key is there, with that key; null when there is none.
    /// </summary>
    public (InstalledCertificate Installed, X509Certificate2 WithKey)? Active(CertificateUse use, DateTimeOffset now)
    {
        foreach (var installed in List(use).Where(c => c.Certificate.NotBefore <= now.UtcDateTime && now.UtcDateTime <= c.Certificate.NotAfter).Reverse())
        {
            if (WithPrivateKey(installed) is { } withKey)
            {
                return (installed, withKey);
            }
        }

        return null;
    }

    /// <summary>The hash data of <paramref name="installed"/> (M03, M04): its issuer is the next certificate of its chain, an installed root of that name, or itself.</summary>
    public CertificateHashDataType HashData(InstalledCertificate installed, HashAlgorithmEnumType algorithm = HashAlgorithmEnumType.SHA256)
    {
        ArgumentNullException.ThrowIfNull(installed);
        return CertificateHashes.Of(installed.Certificate, Issuer(installed.Certificate, installed.Chain), algorithm);
    }

    /// <summary>The hash data of the sub-CAs of a leaf (childCertificateHashData of M03).</summary>
    public List<CertificateHashDataType> ChildHashData(InstalledCertificate installed, HashAlgorithmEnumType algorithm = HashAlgorithmEnumType.SHA256)
    {
        ArgumentNullException.ThrowIfNull(installed);
        var result = new List<CertificateHashDataType>();
        for (var i = 0; i < installed.Chain.Count; i++)
        {
            result.Add(CertificateHashes.Of(installed.Chain[i], Issuer(installed.Chain[i], installed.Chain.Skip(i + 1).ToList()), algorithm));
        }

        return result;
    }

    /// <summary>The SHA-256 fingerprint of <paramref name="certificate"/>, lower-case hexadecimal.</summary>
    public static string Id(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawDataMemory.Span));
    }

    private X509Certificate2 Issuer(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> above)
    {
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return certificate;
        }

        return above.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            ?? List().Where(c => c.Use is not (CertificateUse.ChargingStationCertificate or CertificateUse.V2GCertificateChain))
                .Select(c => c.Certificate)
                .FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
            ?? certificate;
    }
}
