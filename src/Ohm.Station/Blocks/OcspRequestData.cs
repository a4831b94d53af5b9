using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Blocks;

/// <summary>
/// The OCSP request data of a certificate (OCPP's OCSPRequestDataType, RFC 6960's CertID): SHA-256 of the issuer's
/// distinguished name and of its public key (the subjectPublicKey bits), the serial number, and the OCSP responder named
/// in the certificate's Authority Information Access. Hashes and the serial are lowercase hexadecimal, the serial without
/// leading zeroes, as OCPP's CertificateHashDataType describes them.
/// </summary>
public static class OcspRequestData
{
    private const string AuthorityInformationAccessOid = "1.3.6.1.5.5.7.1.1";

    /// <summary>The request data of <paramref name="certificate"/> issued by <paramref name="issuer"/>; null when its AIA names no OCSP responder.</summary>
    public static OCSPRequestDataType? For(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        if (ResponderUrl(certificate) is not { } url)
        {
            return null;
        }

        return new OCSPRequestDataType
        {
            HashAlgorithm = HashAlgorithmEnumType.SHA256,
            IssuerNameHash = Convert.ToHexStringLower(SHA256.HashData(certificate.IssuerName.RawData)),
            IssuerKeyHash = Convert.ToHexStringLower(SHA256.HashData(issuer.PublicKey.EncodedKeyValue.RawData)),
            SerialNumber = Serial(certificate),
            ResponderURL = url,
        };
    }

    /// <summary>
    /// The request data of each certificate of <paramref name="chain"/> (leaf first) whose issuer is the next one in the
    /// chain or one of <paramref name="roots"/>, and whose AIA names a responder; at most four (the AuthorizeRequest's limit).
    /// </summary>
    public static List<OCSPRequestDataType> ForChain(IReadOnlyList<X509Certificate2> chain, IEnumerable<X509Certificate2> roots)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var issuers = chain.Skip(1).Concat(roots ?? []).ToList();
        var result = new List<OCSPRequestDataType>();
        foreach (var certificate in chain)
        {
            if (IssuerOf(certificate, issuers) is { } issuer && For(certificate, issuer) is { } data && result.Count < 4)
            {
                result.Add(data);
            }
        }

        return result;
    }

    /// <summary>The certificate among <paramref name="candidates"/> that issued <paramref name="certificate"/> (its subject is the issuer, and not the certificate itself); null when none.</summary>
    public static X509Certificate2? IssuerOf(X509Certificate2 certificate, IEnumerable<X509Certificate2> candidates)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var issuer = certificate.IssuerName.RawData;
        return candidates.FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(issuer) && !c.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span));
    }

    /// <summary>The first OCSP responder URL of the certificate's Authority Information Access; null when it names none.</summary>
    public static string? ResponderUrl(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.Extensions
            .Where(e => e.Oid?.Value == AuthorityInformationAccessOid)
            .SelectMany(e => (e as X509AuthorityInformationAccessExtension ?? new X509AuthorityInformationAccessExtension(e.RawData, e.Critical)).EnumerateOcspUris())
            .FirstOrDefault();
    }

    /// <summary>The serial number in lowercase hexadecimal without leading zeroes.</summary>
    public static string Serial(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hex = certificate.SerialNumber.TrimStart('0').ToLowerInvariant();
        return hex.Length == 0 ? "0" : hex;
    }
}
