namespace Ohm.Csms.Certificates;

/// <summary>
/// Settings of Plug &amp; Charge contract certificates (section <c>Csms:ContractCertificates</c>): the contract
/// certificate provider that M01/M02 Get15118EVCertificate are forwarded to (an HTTP service, see
/// <see cref="HttpContractCertificateProvider"/>), and the MO roots a contract certificate given in an Authorize (C07/C08)
/// must chain to.
/// </summary>
public sealed class ContractCertificatesOptions
{
    /// <summary>The provider's URL (http or https); without it Get15118EVCertificate is answered Failed.</summary>
    public string? Url { get; set; }

    /// <summary>User name for HTTP Basic authentication at the provider (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    /// <summary>Password for HTTP Basic authentication at the provider.</summary>
    public string? Password { get; set; }

    /// <summary>A bearer token for the provider (instead of Basic).</summary>
    public string? BearerToken { get; set; }

    /// <summary>Seconds a provider request may take. Default 20 (a station waits for the answer within its own call timeout).</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>
    /// A PEM file of the MO root certificates that a contract certificate chain given in Authorize.certificate must chain
    /// to (CertChainError otherwise); when not set, only the chain's validity period and its OCSP status are checked.
    /// </summary>
    public string? TrustedRootsFile { get; set; }

    /// <summary>Checks the values and names the bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (Url is { Length: > 0 } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return $"Csms:ContractCertificates:Url must be an absolute http or https URL (is '{url}').";
        }

        if (Username is { Length: > 0 } != Password is { Length: > 0 })
        {
            yield return "Csms:ContractCertificates:Username and Csms:ContractCertificates:Password go together: set both or neither.";
        }

        if (Username is { Length: > 0 } && BearerToken is { Length: > 0 })
        {
            yield return "Csms:ContractCertificates:BearerToken and Csms:ContractCertificates:Username/Password exclude each other: set one.";
        }

        if (TimeoutSeconds is < 1 or > 120)
        {
            yield return $"Csms:ContractCertificates:TimeoutSeconds must be between 1 and 120 (is {TimeoutSeconds}).";
        }

        if (TrustedRootsFile is { Length: > 0 } file)
        {
            if (!File.Exists(file))
            {
                yield return $"Csms:ContractCertificates:TrustedRootsFile '{file}' does not exist.";
            }
            else if (CountCertificates(file) is var count and < 1)
            {
                yield return $"Csms:ContractCertificates:TrustedRootsFile '{file}' holds no PEM certificate{(count < 0 ? " it can read" : "")}: every contract certificate chain would be refused.";
            }
        }
    }

    /// <summary>The certificates a PEM file holds; -1 when it cannot be read or parsed.</summary>
    private static int CountCertificates(string file)
    {
        try
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(file);
            return roots.Count;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
