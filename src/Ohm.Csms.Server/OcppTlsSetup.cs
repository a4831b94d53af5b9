using System.Net.Security;
using System.Security.Authentication;
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

        // Unset, the CSMS serves a certificate its built-in CA issues (CertificateAuthoritySetup).
        if (tls.CertificateFile is not null && !File.Exists(tls.CertificateFile))
        {
            yield return $"Ocpp:Tls:CertificateFile names no file ('{tls.CertificateFile}'); unset, the built-in CA issues the CSMS certificate.";
        }

        if (tls.ClientCaFile is not null && !File.Exists(tls.ClientCaFile))
        {
            yield return $"Ocpp:Tls:ClientCaFile names no file ('{tls.ClientCaFile}').";
        }

        if (tls.EcdsaCertificateFile is not null && !File.Exists(tls.EcdsaCertificateFile))
        {
            yield return $"Ocpp:Tls:EcdsaCertificateFile names no file ('{tls.EcdsaCertificateFile}').";
        }

        if (tls.CsmsRootFile is not null && !File.Exists(tls.CsmsRootFile))
        {
            yield return $"Ocpp:Tls:CsmsRootFile names no file ('{tls.CsmsRootFile}').";
        }
    }

    /// <summary>
    /// The TLS 1.2 cipher suites OCPP 2.0.1 Part 2 allows (A00.FR.318/319: ECDHE with ECDSA or RSA, AES-GCM), and the
    /// TLS 1.3 AES-GCM suites; everything else (CBC, SHA-1, static RSA key exchange) is refused at the handshake.
    /// </summary>
    public static readonly TlsCipherSuite[] CipherSuites =
    [
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
    ];

    // Windows (SChannel) takes no CipherSuitesPolicy: there the system's suite order applies.
    private static readonly CipherSuitesPolicy? Policy = OperatingSystem.IsWindows() ? null : new CipherSuitesPolicy(CipherSuites);

    private static void RestrictCipherSuites(SslServerAuthenticationOptions ssl)
    {
        if (!OperatingSystem.IsWindows())
        {
            ssl.CipherSuitesPolicy = Policy;
        }
    }

    /// <summary>TLS 1.2 and 1.3 only (A00.FR.315 and on): 1.0 and 1.1 are refused at the handshake.</summary>
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// Reads the .pfx named by <c>{section}:CertificateFile</c> (or <paramref name="setting"/>) and checks it has its
    /// private key. Whether it is valid is checked by <see cref="CheckValidity"/> once the host's clock is known.
    /// </summary>
    public static X509Certificate2 LoadCertificate(string section, string file, string? password, string? setting = null)
    {
        setting ??= section + ":CertificateFile";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(file, password);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ConfigurationException(
                $"{setting} '{file}' cannot be read as a .pfx with {setting[..^"File".Length]}Password (wrong password, or not a PKCS#12 file): {ex.Message}", ex);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ConfigurationException($"{setting} '{file}' has no private key: the CSMS cannot serve TLS with it.");
        }

        return certificate;
    }

    /// <summary>
    /// Why each of <paramref name="certificates"/> (the certificate, its setting and file; a null certificate is skipped)
    /// cannot serve at <paramref name="now"/>, the host's <see cref="TimeProvider"/>: not valid yet, or expired.
    /// </summary>
    public static IEnumerable<string> CheckValidity(DateTimeOffset now, params (X509Certificate2? Certificate, string Setting, string? File)[] certificates)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        var at = now.UtcDateTime;
        foreach (var (certificate, setting, file) in certificates)
        {
            if (certificate is null)
            {
                continue;
            }

            var problem = at < certificate.NotBefore.ToUniversalTime() ? $"is not valid before {certificate.NotBefore.ToUniversalTime():O}"
                : at > certificate.NotAfter.ToUniversalTime() ? $"expired at {certificate.NotAfter.ToUniversalTime():O}"
                : null;
            if (problem is not null)
            {
                yield return $"{setting} '{file}' {problem} (the CSMS's clock says {now.UtcDateTime:O}): the CSMS cannot serve TLS with it.";
            }
        }
    }

    /// <summary>The optional ECDSA certificate of <c>Ocpp:Tls:EcdsaCertificateFile</c>, read like the RSA one and checked for its ECDSA key.</summary>
    public static X509Certificate2? LoadEcdsaCertificate(OcppTlsOptions tls)
    {
        if (tls.EcdsaCertificateFile is null)
        {
            return null;
        }

        var certificate = LoadCertificate("Ocpp:Tls", tls.EcdsaCertificateFile, tls.EcdsaCertificatePassword, "Ocpp:Tls:EcdsaCertificateFile");
        if (certificate.GetECDsaPublicKey() is { } key)
        {
            key.Dispose();
            return certificate;
        }

        certificate.Dispose();
        throw new ConfigurationException($"Ocpp:Tls:EcdsaCertificateFile '{tls.EcdsaCertificateFile}' holds no ECDSA certificate.");
    }

    public static X509Certificate2 LoadRoot(string file, string setting = "Ocpp:Tls:ClientCaFile")
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(file);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ConfigurationException($"{setting} '{file}' is not a certificate (PEM or DER): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Serves TLS on <paramref name="listen"/> with <paramref name="certificate"/> (RSA), or <paramref name="ecdsaCertificate"/>
    /// to a client whose ClientHello can take only ECDSA or prefers it (<see cref="ClientHelloParser"/>).
    /// </summary>
    public static void Use(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen, OcppTlsOptions tls, X509Certificate2 certificate, X509Certificate2? root, X509Certificate2? ecdsaCertificate = null)
    {
        // No chain build of a handshake fetches anything (a client certificate's AIA or CDP address), and a handshake
        // that does not finish in time is closed: see OcppTls.
        var https = new HttpsConnectionAdapterOptions
        {
            SslProtocols = Protocols,
            CheckCertificateRevocation = false,
            HandshakeTimeout = TimeSpan.FromSeconds(tls.HandshakeTimeoutSeconds),
        };
        if (ecdsaCertificate is null)
        {
            https.ServerCertificate = certificate;
        }
        else
        {
            https.TlsClientHelloBytesCallback = (connection, hello) => connection.Items[typeof(ClientHelloParser)] = ClientHelloParser.Parse(hello);
            https.ServerCertificateSelector = (connection, _) =>
                connection?.Items.TryGetValue(typeof(ClientHelloParser), out var parsed) == true && parsed is ClientHelloParser.ClientHello { AcceptsEcdsa: true }
                    ? ecdsaCertificate
                    : certificate;
        }

        https.OnAuthenticate = (_, ssl) => RestrictCipherSuites(ssl);
        if (root is not null)
        {
            var validator = OcppTls.ClientCertificateValidator(root);
            https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
            https.OnAuthenticate = (_, ssl) =>
            {
                RestrictCipherSuites(ssl);
                ssl.CertificateChainPolicy = OcppTls.ChainPolicy(root, X509KeyUsageOids.ClientAuth);
            };
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
