namespace Ohm.Csms.Server;

/// <summary>TLS of the OCPP endpoint for security profiles 2 and 3 (section <c>Ocpp:Tls</c>); used when Ocpp:Url is https.</summary>
public sealed class OcppTlsOptions
{
    /// <summary>The CSMS certificate with its private key, as a PKCS#12 (.pfx) file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The password of <see cref="CertificateFile"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// An ECDSA certificate with its private key (.pfx), served besides the RSA <see cref="CertificateFile"/> to the
    /// clients whose offered cipher suites (TLS 1.2) or signature algorithms (TLS 1.3) need ECDSA; optional.
    /// </summary>
    public string? EcdsaCertificateFile { get; set; }

    /// <summary>The password of <see cref="EcdsaCertificateFile"/>.</summary>
    public string? EcdsaCertificatePassword { get; set; }

    /// <summary>
    /// The root certificate (PEM or DER) that the CSMS certificate chains to: what A05 installs on a station as its
    /// CSMSRootCertificate; optional.
    /// </summary>
    public string? CsmsRootFile { get; set; }

    /// <summary>For security profile 3: the root certificate (PEM or DER) that station client certificates must chain to.</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Seconds a TLS handshake may take before the connection is closed. Default 10.</summary>
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (HandshakeTimeoutSeconds is < 1 or > 300)
        {
            yield return $"Ocpp:Tls:HandshakeTimeoutSeconds must be between 1 and 300 (is {HandshakeTimeoutSeconds}).";
        }
    }
}
