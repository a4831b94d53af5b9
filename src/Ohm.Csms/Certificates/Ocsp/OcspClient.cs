using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Messages;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Nist;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace Ohm.Csms.Certificates.Ocsp;

/// <summary>
/// The CSMS's OCSP client (RFC 6960), for M06 and C07/C08: builds the request from an OCPP OCSPRequestDataType, POSTs it
/// to the responder (application/ocsp-request, a timeout, a size limit, no redirects), verifies the answer (successful
/// status; signed by a certificate it carries that is the issuer itself or an OCSP signer of that issuer; answering the
/// CertID asked; thisUpdate/nextUpdate against the clock) and caches a verified answer until its nextUpdate.
/// BouncyCastle encodes and decodes the OCSP messages; nothing else of it is used.
/// </summary>
public sealed partial class OcspClient : IDisposable
{
    /// <summary>How far a responder's clock may be ahead of the CSMS's for thisUpdate.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private const string OcspSigningUsage = "1.3.6.1.5.5.7.3.9";

    private readonly OcspOptions _options;
    private readonly IOcspResponseCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<OcspClient> _logger;
    private readonly HttpClient _http;

    public OcspClient(OcspOptions options, IOcspResponseCache cache, TimeProvider time, ILogger<OcspClient> logger)
    {
        _options = options;
        _cache = cache;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5), UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            MaxResponseContentBufferSize = options.MaxResponseBytes,
        };
    }

    /// <summary>Checks one certificate: from the cache while its last answer is valid, otherwise at its responder.</summary>
    public async Task<OcspCheck> CheckAsync(OCSPRequestDataType data, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (BuildCertificateId(data) is not { } id)
        {
            return OcspCheck.Fail(OcspCheck.InvalidRequestData, "issuerNameHash, issuerKeyHash and serialNumber must be hex, the hashes as long as their hashAlgorithm's digest.");
        }

        var key = CacheKey(id);
        var now = _time.GetUtcNow();
        if (_cache.Find(key, now) is { } cached)
        {
            return cached;
        }

        if (RefuseResponder(data.ResponderURL) is { } refusal)
        {
            return refusal;
        }

        var request = new OcspReqGenerator();
        request.AddRequest(id);
        var (body, failure) = await PostAsync(new Uri(data.ResponderURL), request.Generate().GetEncoded(), cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            LogFailed(data.ResponderURL, failure.Reason, failure.Detail);
            return failure;
        }

        var check = Verify(body!, id, _time.GetUtcNow());
        if (check.Verified)
        {
            _cache.Store(key, check, now);
        }
        else
        {
            LogFailed(data.ResponderURL, check.Reason, check.Detail);
        }

        return check;
    }

    /// <summary>The BouncyCastle CertificateID for the OCPP request data, or null when it does not decode.</summary>
    public static CertificateID? BuildCertificateId(OCSPRequestDataType data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (oid, length) = data.HashAlgorithm switch
        {
            HashAlgorithmEnumType.SHA256 => (NistObjectIdentifiers.IdSha256, 32),
            HashAlgorithmEnumType.SHA384 => (NistObjectIdentifiers.IdSha384, 48),
            HashAlgorithmEnumType.SHA512 => (NistObjectIdentifiers.IdSha512, 64),
            _ => (null, 0),
        };
        if (oid is null || Hex(data.IssuerNameHash) is not { } nameHash || Hex(data.IssuerKeyHash) is not { } keyHash
            || nameHash.Length != length || keyHash.Length != length || Hex(data.SerialNumber) is not { Length: > 0 } serial)
        {
            return null;
        }

        return new CertificateID(new Org.BouncyCastle.Asn1.Ocsp.CertID(
            new AlgorithmIdentifier(oid, DerNull.Instance), new DerOctetString(nameHash), new DerOctetString(keyHash), new DerInteger(new BigInteger(1, serial))));
    }

    /// <summary>Verifies a DER OCSPResponse as the answer for <paramref name="id"/> at <paramref name="now"/>.</summary>
    public static OcspCheck Verify(byte[] der, CertificateID id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(der);
        ArgumentNullException.ThrowIfNull(id);
        BasicOcspResp basic;
        try
        {
            var response = new OcspResp(der);
            if (response.Status != OcspRespStatus.Successful)
            {
                return OcspCheck.Fail(OcspCheck.ResponderError, $"The responder answered OCSP status {ResponseStatusName(response.Status)}.");
            }

            if (response.GetResponseObject() is not BasicOcspResp b)
            {
                return OcspCheck.Fail(OcspCheck.ResponderError, "The responder's answer is not a basic OCSP response.");
            }

            basic = b;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or OcspException or Asn1Exception or InvalidOperationException)
        {
            return OcspCheck.Fail(OcspCheck.ResponderError, "The responder's answer is not a well-formed OCSP response: " + ex.Message);
        }

        if (SignerOf(basic, id, now) is { } signerFailure)
        {
            return signerFailure;
        }

        var single = basic.Responses.FirstOrDefault(r => SameCertificate(r.GetCertID(), id));
        if (single is null)
        {
            return OcspCheck.Fail(OcspCheck.WrongCertificate, "The response does not answer for the certificate asked (its CertID differs).");
        }

        var thisUpdate = new DateTimeOffset(DateTime.SpecifyKind(single.ThisUpdate, DateTimeKind.Utc));
        if (thisUpdate > now + ClockSkew)
        {
            return OcspCheck.Fail(OcspCheck.Stale, $"The response is not valid yet (thisUpdate {thisUpdate:O}).");
        }

        DateTimeOffset? nextUpdate = single.NextUpdate is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;
        if (nextUpdate is { } expiry && expiry <= now)
        {
            return OcspCheck.Fail(OcspCheck.Stale, $"The response is out of date (nextUpdate {expiry:O}).");
        }

        return single.GetCertStatus() switch
        {
            null => new OcspCheck(OcspCertificateStatus.Good, der, nextUpdate, null, null),
            RevokedStatus revoked => new OcspCheck(OcspCertificateStatus.Revoked, der, nextUpdate, null, $"Revoked at {revoked.RevocationTime:O}."),
            _ => new OcspCheck(OcspCertificateStatus.Unknown, der, nextUpdate, null, "The responder does not know the certificate."),
        };
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Null when the response is signed by a certificate it carries that may sign for the issuer of <paramref name="id"/>:
    /// the issuer itself, or a certificate with the OCSP-signing usage that the issuer issued (its issuer name hashes to
    /// the CertID's, and when the response carries the issuer too, the issuer's signature on it verifies) and that is valid now.
    /// </summary>
    private static OcspCheck? SignerOf(BasicOcspResp basic, CertificateID id, DateTimeOffset now)
    {
        var carried = basic.GetCerts() ?? [];
        var signer = carried.FirstOrDefault(c => Verifies(basic, c));
        if (signer is null)
        {
            return OcspCheck.Fail(OcspCheck.BadSignature, carried.Length == 0
                ? "The response carries no responder certificate to verify its signature with."
                : "The response's signature does not verify with the certificates it carries.");
        }

        if (IsIssuer(signer, id))
        {
            return null;
        }

        var usages = signer.GetExtendedKeyUsage();
        if (usages is null || !usages.Any(u => u.Id == OcspSigningUsage))
        {
            return OcspCheck.Fail(OcspCheck.BadSignature, $"The responder certificate '{signer.SubjectDN}' is neither the issuer nor an OCSP signer (no id-kp-OCSPSigning usage).");
        }

        if (!Hash(id, signer.IssuerDN.GetEncoded()).AsSpan().SequenceEqual(id.GetIssuerNameHash()))
        {
            return OcspCheck.Fail(OcspCheck.BadSignature, $"The OCSP signer '{signer.SubjectDN}' was not issued by the certificate's issuer.");
        }

        if (carried.FirstOrDefault(c => IsIssuer(c, id)) is { } issuer && !SignedBy(signer, issuer))
        {
            return OcspCheck.Fail(OcspCheck.BadSignature, $"The OCSP signer '{signer.SubjectDN}' is not signed by the certificate's issuer.");
        }

        if (!signer.IsValid(now.UtcDateTime))
        {
            return OcspCheck.Fail(OcspCheck.BadSignature, $"The OCSP signer '{signer.SubjectDN}' is not valid now (valid {signer.NotBefore:O} to {signer.NotAfter:O}).");
        }

        return null;
    }

    private static bool Verifies(BasicOcspResp basic, BcCertificate certificate)
    {
        try
        {
            return basic.Verify(certificate.GetPublicKey());
        }
        catch (Exception ex) when (ex is OcspException or ArgumentException or InvalidOperationException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SecurityUtilityException)
        {
            return false;
        }
    }

    private static bool SignedBy(BcCertificate certificate, BcCertificate issuer)
    {
        try
        {
            certificate.Verify(issuer.GetPublicKey());
            return true;
        }
        catch (Exception ex) when (ex is Org.BouncyCastle.Security.Certificates.CertificateException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="certificate"/> is the issuer the CertID names (its subject and key hash to the CertID's hashes).</summary>
    private static bool IsIssuer(BcCertificate certificate, CertificateID id) =>
        Hash(id, certificate.SubjectDN.GetEncoded()).AsSpan().SequenceEqual(id.GetIssuerNameHash())
        && Hash(id, certificate.CertificateStructure.SubjectPublicKeyInfo.PublicKey.GetBytes()).AsSpan().SequenceEqual(id.GetIssuerKeyHash());

    private static bool SameCertificate(CertificateID answered, CertificateID asked) =>
        answered.HashAlgOid == asked.HashAlgOid
        && answered.GetIssuerNameHash().AsSpan().SequenceEqual(asked.GetIssuerNameHash())
        && answered.GetIssuerKeyHash().AsSpan().SequenceEqual(asked.GetIssuerKeyHash())
        && answered.SerialNumber.Equals(asked.SerialNumber);

    private static byte[] Hash(CertificateID id, byte[] data) => id.HashAlgOid switch
    {
        var o when o == NistObjectIdentifiers.IdSha384.Id => SHA384.HashData(data),
        var o when o == NistObjectIdentifiers.IdSha512.Id => SHA512.HashData(data),
        var o when o == NistObjectIdentifiers.IdSha256.Id => SHA256.HashData(data),
        _ => [],
    };

    private static string CacheKey(CertificateID id) =>
        $"{id.HashAlgOid}:{Convert.ToHexString(id.GetIssuerNameHash())}:{Convert.ToHexString(id.GetIssuerKeyHash())}:{id.SerialNumber.ToString(16)}";

    private OcspCheck? RefuseResponder(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return OcspCheck.Fail(OcspCheck.ResponderNotAllowed, $"The responderURL '{url}' is not an http or https URL.");
        }

        if (_options.AllowedResponderHosts.Count > 0 && !_options.AllowedResponderHosts.Any(h => string.Equals(h.Trim(), uri.Host, StringComparison.OrdinalIgnoreCase)))
        {
            return OcspCheck.Fail(OcspCheck.ResponderNotAllowed, $"The responder host '{uri.Host}' is not in Csms:Ocsp:AllowedResponderHosts.");
        }

        return null;
    }

    private async Task<(byte[]? Body, OcspCheck? Failure)> PostAsync(Uri url, byte[] request, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/ocsp-request");
        try
        {
            using var response = await _http.PostAsync(url, content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return (null, OcspCheck.Fail(OcspCheck.ResponderUnreachable, $"The responder answered HTTP {(int)response.StatusCode}."));
            }

            return (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (HttpRequestException ex)
        {
            return (null, OcspCheck.Fail(OcspCheck.ResponderUnreachable, $"The responder at {url.GetLeftPart(UriPartial.Path)} could not be reached or answered more than {_options.MaxResponseBytes} bytes: {ex.Message}"));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, OcspCheck.Fail(OcspCheck.ResponderUnreachable, $"The responder at {url.GetLeftPart(UriPartial.Path)} did not answer within {_options.TimeoutSeconds} s."));
        }
    }

    private static byte[]? Hex(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var hex = text.Trim();
        if (hex.Length % 2 == 1)
        {
            hex = "0" + hex;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string ResponseStatusName(int status) => status switch
    {
        OcspRespStatus.MalformedRequest => "malformedRequest",
        OcspRespStatus.InternalError => "internalError",
        OcspRespStatus.TryLater => "tryLater",
        OcspRespStatus.SigRequired => "sigRequired",
        OcspRespStatus.Unauthorized => "unauthorized",
        _ => status.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "OCSP check at {Responder} failed: {Reason}: {Detail}")]
    private partial void LogFailed(string responder, string? reason, string? detail);
}
