using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ohm.Ocpp.Transport;

/// <summary>
/// Certificate checks for security profiles 2 and 3 against a private root, as OCPP deployments use: the station
/// trusts the CSMS root certificate, and the CSMS trusts the root that signs station certificates.
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

    /// <summary>Whether <paramref name="certificate"/> chains to <paramref name="root"/> and allows the usage.</summary>
    public static bool ChainsTo(X509Certificate certificate, X509Certificate2 root, string enhancedKeyUsage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(root);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(enhancedKeyUsage));
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
