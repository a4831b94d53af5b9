namespace Ohm.Csms.Server;

/// <summary>TLS of the operator API (section <c>Api:Tls</c>); used when Api:Url is https.</summary>
public sealed class ApiTlsOptions
{
    /// <summary>The API's certificate with its private key, as a PKCS#12 (.pfx) file. Unset: Ocpp:Tls:CertificateFile, if that is set.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The password of <see cref="CertificateFile"/>.</summary>
    public string? CertificatePassword { get; set; }
}
