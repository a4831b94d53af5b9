namespace Ohm.Station.Certificates;

/// <summary>What an installed certificate is for: the roots a station trusts, and its own leaf certificates.</summary>
public enum CertificateUse
{
    /// <summary>The root the CSMS's TLS certificate chains to (security profiles 2 and 3).</summary>
    CSMSRootCertificate,

    /// <summary>The manufacturer's root, for signed firmware.</summary>
    ManufacturerRootCertificate,

    /// <summary>The ISO 15118 V2G root.</summary>
    V2GRootCertificate,

    /// <summary>A mobility operator's root (contract certificates).</summary>
    MORootCertificate,

    /// <summary>The station's own V2G (SECC) certificate with its sub-CAs, for ISO 15118 TLS to the EV.</summary>
    V2GCertificateChain,

    /// <summary>The station's own certificate for the connection to the CSMS (security profile 3).</summary>
    ChargingStationCertificate,
}
