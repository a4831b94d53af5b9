namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A certificate installed on a station as the CSMS last knows it (block M): what the station reported in its last
/// GetInstalledCertificateIds answer (M03), or what it accepted in an InstallCertificate (M05), until a
/// DeleteCertificate (M04) or a later report removes it. The hash data is the station's identification of it; subject,
/// validity and PEM are known only where the CSMS sent the certificate itself.
/// </summary>
public sealed class InstalledCertificateRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The use as OCPP names it (GetCertificateIdUseEnumType): V2GRootCertificate, MORootCertificate, CSMSRootCertificate, V2GCertificateChain, ManufacturerRootCertificate.</summary>
    public required string CertificateType { get; set; }

    /// <summary>SHA256, SHA384 or SHA512: the algorithm of the two hashes.</summary>
    public required string HashAlgorithm { get; set; }

    /// <summary>Hash of the DER of the issuer's name, lower-case hex.</summary>
    public required string IssuerNameHash { get; set; }

    /// <summary>Hash of the issuer's public key, lower-case hex.</summary>
    public required string IssuerKeyHash { get; set; }

    /// <summary>The serial number, lower-case hex without leading zeroes.</summary>
    public required string SerialNumber { get; set; }

    /// <summary>The childCertificateHashData of a V2GCertificateChain as JSON, or null.</summary>
    public string? ChildHashDataJson { get; set; }

    /// <summary>The subject, where the CSMS knows the certificate (it installed it).</summary>
    public string? Subject { get; set; }

    /// <summary>The end of the validity period, where the CSMS knows the certificate.</summary>
    public DateTimeOffset? NotAfter { get; set; }

    /// <summary>The certificate as PEM, where the CSMS installed it.</summary>
    public string? Pem { get; set; }

    /// <summary>Reported (from a GetInstalledCertificateIds answer) or Installed (the station accepted the CSMS's InstallCertificate).</summary>
    public required string Source { get; set; }

    /// <summary>When the CSMS last learnt of it (the report or the installation).</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
