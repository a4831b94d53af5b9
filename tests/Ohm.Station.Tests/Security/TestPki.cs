using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Transport;

namespace Ohm.Station.Tests.Security;

/// <summary>
/// Certificates for the station's security tests, ECDSA P-256 (fast to make): roots, sub-CAs, a CSMS server
/// certificate, and a CA that signs a station's CSR. Valid by default from mid-2024 (before the fake clock's start) to
/// two years from now (after the system clock), so that both clocks accept them.
/// </summary>
internal static class TestPki
{
    public static readonly DateTimeOffset From = new(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset Until = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddYears(2);

    private static DateTimeOffset LeafUntil => Until.AddDays(-1);

    /// <summary>A self-signed CA certificate with its key.</summary>
    public static X509Certificate2 Root(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var root = request.CreateSelfSigned(notBefore ?? From, notAfter ?? Until);
        return Reload(root);
    }

    /// <summary>A sub-CA under <paramref name="issuer"/>, with its key.</summary>
    public static X509Certificate2 SubCa(X509Certificate2 issuer, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var signed = request.Create(issuer, From, LeafUntil, RandomNumberGenerator.GetBytes(9));
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A localhost TLS server certificate under <paramref name="issuer"/>, with its key.</summary>
    public static X509Certificate2 Server(X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(X509KeyUsageOids.ServerAuth)], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var signed = request.Create(issuer, From, LeafUntil, RandomNumberGenerator.GetBytes(9));
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>A client certificate for <paramref name="stationId"/> under <paramref name="issuer"/>, with its key.</summary>
    public static X509Certificate2 Client(X509Certificate2 issuer, string stationId, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={stationId}, O=Ohm", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(X509KeyUsageOids.ClientAuth)], false));
        using var signed = request.Create(issuer, From, notAfter ?? LeafUntil, RandomNumberGenerator.GetBytes(9));
        using var withKey = signed.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Signs <paramref name="csrPem"/> with <paramref name="issuer"/>; the PEM chain is the leaf and then <paramref name="chain"/>.</summary>
    public static string Sign(string csrPem, X509Certificate2 issuer, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, params X509Certificate2[] chain)
    {
        var csr = CertificateRequest.LoadSigningRequestPem(csrPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        csr.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        using var leaf = csr.Create(issuer, notBefore ?? From, notAfter ?? LeafUntil.AddDays(-1), RandomNumberGenerator.GetBytes(9));
        return leaf.ExportCertificatePem() + "\n" + string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n"));
    }

    public static string Pem(X509Certificate2 certificate) => certificate.ExportCertificatePem();

    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
}
