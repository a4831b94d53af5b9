namespace Ohm.Csms.Server;

/// <summary>TLS of the OCPP endpoint for security profiles 2 and 3 (section <c>Ocpp:Tls</c>); used when Ocpp:Url is https.</summary>
public sealed class OcppTlsOptions
{
    /// <summary>The CSMS certificate with its private key, as a PKCS#12 (.pfx) file.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The password of <see cref="CertificateFile"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>For security profile 3: the root certificate (PEM or DER) that station client certificates must chain to.</summary>
    public string? ClientCaFile { get; set; }
}
