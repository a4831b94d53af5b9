using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ohm.Station.Certificates;

/// <summary>Reads the certificate files a station is started with (the bootstrap CSMS root, the profile 3 client certificate), with errors that name the file.</summary>
public static class CertificateFiles
{
    /// <summary>The certificates of a PEM file (one or more) or of a DER file (one).</summary>
    /// <exception cref="InvalidDataException">The file is missing or holds no certificate.</exception>
    public static X509Certificate2Collection LoadCertificates(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The certificate file '{path}' does not exist.");
        }

        var collection = new X509Certificate2Collection();
        try
        {
            var text = File.ReadAllText(path);
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                collection.ImportFromPem(text);
            }
            else
            {
                collection.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"The certificate file '{path}' is not a PEM or DER X.509 certificate: {ex.Message}", ex);
        }

        if (collection.Count == 0)
        {
            throw new InvalidDataException($"The certificate file '{path}' holds no certificate.");
        }

        return collection;
    }

    /// <summary>The certificate with its private key from a PKCS#12 (.pfx) file.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not PKCS#12, the password is wrong, or it has no private key.</exception>
    public static X509Certificate2 LoadPfx(string path, string? password)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"The client certificate file '{path}' does not exist.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"The client certificate file '{path}' is not a PKCS#12 (.pfx) file this password opens: {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidDataException($"The client certificate file '{path}' has no private key.");
        }

        return certificate;
    }
}
