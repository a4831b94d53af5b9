namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A certificate the CSMS issued to a station (A02/A03 SignCertificate, and V2G certificates), with what the station
/// answered to CertificateSigned and, once revoked through the API, when and why. SP3 connections whose client
/// certificate's <see cref="Fingerprint"/> is revoked are refused.
/// </summary>
public sealed class IssuedCertificateRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>ChargingStationCertificate or V2GCertificate.</summary>
    public required string CertificateType { get; set; }

    /// <summary>The serial number, upper-case hex.</summary>
    public required string SerialNumber { get; set; }

    public required string Subject { get; set; }

    public required string Issuer { get; set; }

    public DateTimeOffset NotBefore { get; set; }

    public DateTimeOffset NotAfter { get; set; }

    /// <summary>SHA-256 of the DER certificate, upper-case hex.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The chain sent in CertificateSigned, PEM, leaf first.</summary>
    public required string Pem { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    /// <summary>The station's CertificateSigned status (Accepted, Rejected), or why it got none; null while it is being sent.</summary>
    public string? SignedResult { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevocationReason { get; set; }
}
