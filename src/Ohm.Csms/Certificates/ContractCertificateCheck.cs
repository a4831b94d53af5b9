using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Csms.Certificates.Ocsp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Certificates;

/// <summary>
/// C07/C08: the certificate status of a Plug &amp; Charge Authorize: every iso15118CertificateHashData entry through OCSP
/// (Good: Accepted, revoked: CertificateRevoked, no verified answer: NoCertificateAvailable, unknown to the responder:
/// CertChainError), and a contract certificate chain given in PEM checked for its validity period against the clock and,
/// when Csms:ContractCertificates:TrustedRootsFile is set, for chaining to one of those MO roots. The first failure wins.
/// </summary>
public sealed class ContractCertificateCheck(OcspClient ocsp, ContractCertificatesOptions options, TimeProvider time)
{
    private readonly Lazy<X509Certificate2Collection?> _roots = new(() =>
    {
        if (options.TrustedRootsFile is not { Length: > 0 } file)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(file);
        return roots;
    });

    // C07 Authorization using Contract Certificates, C08 Authorization at EVSE using ISO 15118 External Identification Means.
    public async Task<AuthorizeCertificateStatusEnumType> CheckAsync(AuthorizeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Certificate is { Length: > 0 } pem && CheckChain(pem) is { } chainStatus)
        {
            return chainStatus;
        }

        foreach (var data in request.Iso15118CertificateHashData ?? [])
        {
            var check = await ocsp.CheckAsync(data, cancellationToken).ConfigureAwait(false);
            switch (check.Status)
            {
                case OcspCertificateStatus.Revoked:
                    return AuthorizeCertificateStatusEnumType.CertificateRevoked;
                case OcspCertificateStatus.Unknown:
                    return AuthorizeCertificateStatusEnumType.CertChainError;
                case OcspCertificateStatus.Failed:
                    return AuthorizeCertificateStatusEnumType.NoCertificateAvailable;
            }
        }

        return AuthorizeCertificateStatusEnumType.Accepted;
    }

    private AuthorizeCertificateStatusEnumType? CheckChain(string pem)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return AuthorizeCertificateStatusEnumType.CertChainError;
        }

        if (chain.Count == 0)
        {
            return AuthorizeCertificateStatusEnumType.CertChainError;
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (chain.Any(c => c.NotBefore.ToUniversalTime() > now || c.NotAfter.ToUniversalTime() < now))
        {
            return AuthorizeCertificateStatusEnumType.CertificateExpired;
        }

        if (_roots.Value is not { } roots)
        {
            return null;
        }

        using var build = new X509Chain();
        build.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        build.ChainPolicy.CustomTrustStore.AddRange(roots);
        build.ChainPolicy.ExtraStore.AddRange(chain);
        build.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        build.ChainPolicy.VerificationTime = now;
        if (build.Build(chain[0]))
        {
            return null;
        }

        return build.ChainStatus.Any(s => s.Status == X509ChainStatusFlags.NotSignatureValid)
            ? AuthorizeCertificateStatusEnumType.SignatureError
            : AuthorizeCertificateStatusEnumType.CertChainError;
    }
}
