using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Server;

/// <summary>
/// TLS of the OCPP endpoint (security profiles 2 and 3): the settings checked at start, the certificates read, and the
/// handshake Kestrel runs with them.
/// </summary>
internal static class OcppTlsSetup
{
    public static IEnumerable<string> Validate(OcppEndpointOptions ocpp, OcppTlsOptions tls)
    {
        if (!ocpp.Url.StartsWith("https", StringComparison.Ordinal))
        {
            yield break;
        }

        if (tls.CertificateFile is null || !File.Exists(tls.CertificateFile))
        {
            yield return $"Ocpp:Tls:CertificateFile must name the CSMS certificate (.pfx) when Ocpp:Url is https (is '{tls.CertificateFile}').";
        }

        if (tls.ClientCaFile is not null && !File.Exists(tls.ClientCaFile))
        {
            yield return $"Ocpp:Tls:ClientCaFile names no file ('{tls.ClientCaFile}').";
        }
    }

    public static X509Certificate2 LoadCertificate(string section, string file, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(file, password);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ConfigurationException(
                $"{section}:CertificateFile '{file}' cannot be read as a .pfx with {section}:CertificatePassword (wrong password, or not a PKCS#12 file): {ex.Message}", ex);
        }
    }

    public static X509Certificate2 LoadRoot(string file)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(file);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ConfigurationException($"Ocpp:Tls:ClientCaFile '{file}' is not a certificate (PEM or DER): {ex.Message}", ex);
        }
    }

    public static void Use(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, OcppTlsOptions tls, X509Certificate2 certificate, X509Certificate2? root)
    {
        // No chain build of a handshake fetches anything (a client certificate's AIA or CDP address), and a handshake
        // that does not finish in time is closed: see OcppTls.
        var https = new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            CheckCertificateRevocation = false,
            HandshakeTimeout = TimeSpan.FromSeconds(tls.HandshakeTimeoutSeconds),
        };
        if (root is not null)
        {
            var validator = OcppTls.ClientCertificateValidator(root);
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = OcppTls.ChainPolicy(root, X509KeyUsageOids.ClientAuth);
            https.ClientCertificateValidation = (certificate, chain, errors) =>
            {
                if (validator(certificate, chain, errors))
                {
                    return true;
                }

                listen.ApplicationServices.GetService<SecurityEventLog>()?.Record(
                    "InvalidChargingStationCertificate", certificate.GetNameInfo(X509NameType.SimpleName, false), null, $"Refused client certificate {certificate.Subject} issued by {certificate.Issuer}");
                return false;
            };
        }

        listen.UseHttps(https);
    }
}
