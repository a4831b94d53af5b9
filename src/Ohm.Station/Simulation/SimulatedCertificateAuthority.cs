using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Station.Hardware;

namespace Ohm.Station.Simulation;

/// <summary>
/// A two-level ISO 15118 PKI made on the fly for the simulator, tests and demos: a root and a sub-CA under it (ECDSA
/// P-256, as ISO 15118-2 requires), which issues leaves whose Authority Information Access names an OCSP responder. As
/// a mobility operator (MO) it issues contract certificates (leaf CN = eMAID); as a CPO it can issue a station's V2G
/// certificate. Real certificates with real keys; nothing is canned.
/// </summary>
public sealed class SimulatedCertificateAuthority : IDisposable
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(5 * 365);
    private readonly TimeProvider _clock;
    private readonly string _name;

    private SimulatedCertificateAuthority(string name, X509Certificate2 root, X509Certificate2 subCa, Uri? ocspResponder, TimeProvider clock)
    {
        _name = name;
        Root = root;
        SubCa = subCa;
        OcspResponder = ocspResponder;
        _clock = clock;
    }

    /// <summary>The root certificate, with its private key (install it where the chain is validated: MORootCertificate, V2GRootCertificate).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The sub-CA that issues the leaves, with its private key.</summary>
    public X509Certificate2 SubCa { get; }

    /// <summary>The OCSP responder the sub-CA and the leaves name in their AIA; null: none named.</summary>
    public Uri? OcspResponder { get; }

    /// <summary>Makes a root "<paramref name="name"/> Root" and a sub-CA "<paramref name="name"/> Sub-CA" valid from a day ago by <paramref name="clock"/>.</summary>
    public static SimulatedCertificateAuthority Create(string name = "Ohm MO", Uri? ocspResponder = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        clock ??= TimeProvider.System;
        var from = clock.GetUtcNow().AddDays(-1);
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = CaRequest($"CN={name} Root, O={name}", rootKey, pathLength: 1);
        using var root = rootRequest.CreateSelfSigned(from, from + Validity + TimeSpan.FromDays(2));

        using var subKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subRequest = CaRequest($"CN={name} Sub-CA, O={name}", subKey, pathLength: 0);
        subRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        if (ocspResponder is not null)
        {
            subRequest.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([ocspResponder.AbsoluteUri], null));
        }

        using var subSigned = subRequest.Create(root, from, from + Validity + TimeSpan.FromDays(1), Serial());
        using var sub = subSigned.CopyWithPrivateKey(subKey);
        return new SimulatedCertificateAuthority(name, Reload(root), Reload(sub), ocspResponder, clock);
    }

    /// <summary>A contract for <paramref name="emaid"/>: a leaf with CN = eMAID issued by the sub-CA, and the chain the EV sends (leaf, sub-CA; without private keys).</summary>
    public EvContract IssueContract(string emaid, TimeSpan? validity = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(emaid);
        return new EvContract(emaid, IssueLeaf(emaid, validity));
    }

    /// <summary>A leaf with CN = <paramref name="commonName"/> issued by the sub-CA; returns the chain without private keys: the leaf, then the sub-CA.</summary>
    public IReadOnlyList<X509Certificate2> IssueLeaf(string commonName, TimeSpan? validity = null, DateTimeOffset? notBefore = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(commonName);
        var from = notBefore ?? _clock.GetUtcNow().AddDays(-1);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={commonName}, O={_name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(SubCa, true, false));
        if (OcspResponder is not null)
        {
            request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([OcspResponder.AbsoluteUri], null));
        }

        var until = from + (validity ?? TimeSpan.FromDays(2 * 365));
        using var leaf = request.Create(SubCa, from, until < SubCa.NotAfter ? until : SubCa.NotAfter, Serial());
        return [X509CertificateLoader.LoadCertificate(leaf.RawData), X509CertificateLoader.LoadCertificate(SubCa.RawData)];
    }

    /// <summary>Reads a contract chain from PEM (the leaf first, then its sub-CAs); the eMAID is the leaf's CN.</summary>
    public static EvContract LoadContract(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(pem);
        if (certificates.Count == 0)
        {
            throw new ArgumentException("The contract PEM holds no certificate.", nameof(pem));
        }

        var chain = certificates.Cast<X509Certificate2>().ToList();
        return new EvContract(chain[0].GetNameInfo(X509NameType.SimpleName, false), chain);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Root.Dispose();
        SubCa.Dispose();
    }

    private static CertificateRequest CaRequest(string subject, ECDsa key, int pathLength)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    /// <summary>A random positive 16-byte serial number.</summary>
    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    /// <summary>A copy that does not depend on the disposable it came from (keys exported and re-imported, so they survive on every platform).</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate)
    {
        var pfx = certificate.Export(X509ContentType.Pkcs12);
        return X509CertificateLoader.LoadPkcs12(pfx, null, X509KeyStorageFlags.Exportable);
    }
}
