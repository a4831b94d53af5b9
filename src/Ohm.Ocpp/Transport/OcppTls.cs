using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ohm.Ocpp.Transport;

/// <summary>
/// Certificate checks for security profiles 2 and 3 against a private root, as OCPP deployments use: the station
/// trusts the CSMS root certificate, and the CSMS trusts the root that signs station certificates.
/// <para>
/// No chain build here fetches anything from the network: the certificate a peer presents names the addresses of its
/// issuer (AIA) and its revocation lists (CDP), and fetching them before the peer is authenticated would let anyone make
/// the CSMS send requests where they like (server-side request forgery) and hold a handshake as long as the address
/// takes to answer. Chains are built only from what was presented and the configured root; revocation is not checked
/// online.
/// </para>
/// </summary>
public static class OcppTls
{
    /// <summary>A check of the CSMS certificate for the station: chained to <paramref name="root"/>, host name matching.</summary>
    public static RemoteCertificateValidationCallback TrustRoot(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return (_, certificate, _, errors) =>
            certificate is not null
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && ChainsTo(certificate, root, X509KeyUsageOids.ServerAuth);
    }

    /// <summary>A check of a station's client certificate for the CSMS: chained to <paramref name="root"/> and meant for client authentication.</summary>
    public static Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool> ClientCertificateValidator(X509Certificate2 root)
    {
        ArgumentNullException.ThrowIfNull(root);
        return (certificate, _, _) => ChainsTo(certificate, root, X509KeyUsageOids.ClientAuth);
    }

    /// <summary>
    /// The chain policy of every check here: trusted only through <paramref name="root"/>, the usage required, and no
    /// network retrieval (no issuer download, no online revocation). Give it to SslStream too
    /// (<c>SslServerAuthenticationOptions.CertificateChainPolicy</c>, <c>SslClientAuthenticationOptions.CertificateChainPolicy</c>)
    /// so that its own chain build downloads nothing either.
    /// </summary>
    public static X509ChainPolicy ChainPolicy(X509Certificate2 root, string enhancedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(root);
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            UrlRetrievalTimeout = TimeSpan.FromMilliseconds(1),
        };
        policy.CustomTrustStore.Add(root);
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(enhancedKeyUsage));
        return policy;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="root"/> and allows the usage; nothing is downloaded.</summary>
    public static bool ChainsTo(X509Certificate certificate, X509Certificate2 root, string enhancedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(root);
        using var chain = new X509Chain { ChainPolicy = ChainPolicy(root, enhancedKeyUsage) };
        if (certificate is X509Certificate2 given)
        {
            return chain.Build(given);
        }

        using var loaded = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(loaded);
    }
}

/// <summary>The extended key usages TLS checks.</summary>
public static class X509KeyUsageOids
{
    /// <summary>TLS server authentication.</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    /// <summary>TLS client authentication.</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
}
