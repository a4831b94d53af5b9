using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Station.Tests.Security;

namespace Ohm.Station.Tests.Support;

/// <summary>A manufacturer root and a code-signing certificate under it (ECDSA P-256), which signs images as openssl dgst -sha256 -sign does (DER).</summary>
internal sealed class FirmwarePki : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A new root (its name random) and a signing certificate (code signing, valid over the test PKI's span) under it.</summary>
    public FirmwarePki()
    {
        Root = TestPki.Root("Manufacturer root " + Guid.NewGuid().ToString("N")[..6]);
        var request = new CertificateRequest("CN=Firmware signing", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.3")], false));
        using var signing = request.Create(Root, TestPki.From, TestPki.Until.AddDays(-1), RandomNumberGenerator.GetBytes(9));
        SigningPem = signing.ExportCertificatePem();
    }

    /// <summary>The manufacturer root, to install as ManufacturerRootCertificate.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The signing certificate, PEM (UpdateFirmware signingCertificate).</summary>
    public string SigningPem { get; }

    /// <summary>The base64 signature of <paramref name="image"/> (UpdateFirmware signature).</summary>
    public string Sign(byte[] image) => Convert.ToBase64String(_key.SignData(image, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    public void Dispose()
    {
        _key.Dispose();
        Root.Dispose();
    }
}
