namespace Ohm.Csms.Certificates.Ocsp;

/// <summary>What an OCSP responder said of one certificate, once its response was verified.</summary>
public enum OcspCertificateStatus
{
    /// <summary>No verified answer: see <see cref="OcspCheck.Reason"/>.</summary>
    Failed,

    /// <summary>The responder vouches for the certificate.</summary>
    Good,

    /// <summary>The responder says the certificate is revoked.</summary>
    Revoked,

    /// <summary>The responder does not know the certificate.</summary>
    Unknown,
}

/// <summary>
/// The result of one OCSP check: the status, the DER OCSPResponse it came in (when verified), until when it may be
/// reused, and for a failure a reasonCode and a sentence saying why.
/// </summary>
public sealed record OcspCheck(OcspCertificateStatus Status, byte[]? Response, DateTimeOffset? NextUpdate, string? Reason, string? Detail)
{
    /// <summary>reasonCode: the request data cannot be turned into an OCSP request (bad hex, unknown algorithm).</summary>
    public const string InvalidRequestData = "InvalidOcspRequest";

    /// <summary>reasonCode: the responder URL is not an http(s) URL or not among Csms:Ocsp:AllowedResponderHosts.</summary>
    public const string ResponderNotAllowed = "ResponderNotAllowed";

    /// <summary>reasonCode: the responder could not be reached, timed out or answered an HTTP error.</summary>
    public const string ResponderUnreachable = "OcspUnreachable";

    /// <summary>reasonCode: the responder answered something that is not a successful, well-formed OCSP response.</summary>
    public const string ResponderError = "OcspResponderError";

    /// <summary>reasonCode: the response's signature or its signer does not verify.</summary>
    public const string BadSignature = "OcspBadSignature";

    /// <summary>reasonCode: the response does not answer the certificate asked.</summary>
    public const string WrongCertificate = "OcspWrongCertificate";

    /// <summary>reasonCode: the response is not yet valid or past its nextUpdate.</summary>
    public const string Stale = "OcspResponseStale";

    /// <summary>Whether the response was verified (whatever the certificate's status).</summary>
    public bool Verified => Status != OcspCertificateStatus.Failed;

    public static OcspCheck Fail(string reason, string detail) => new(OcspCertificateStatus.Failed, null, null, reason, detail);
}
