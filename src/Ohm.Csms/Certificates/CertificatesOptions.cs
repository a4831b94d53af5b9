namespace Ohm.Csms.Certificates;

/// <summary>
/// Settings of a certificate authority of the CSMS: given as a certificate and key (PEM files), or generated in the data
/// folder on first start when both are unset.
/// </summary>
public class CaOptions
{
    /// <summary>The CA certificate (PEM); with <see cref="CaKeyFile"/>, or neither to generate one in the data folder.</summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>The CA's private key (PEM, PKCS#8 or the RSA/EC forms, unencrypted).</summary>
    public string? CaKeyFile { get; set; }

    /// <summary>The subject of a generated CA certificate; null for the default of the section.</summary>
    public string? CaSubject { get; set; }

    /// <summary>Days the certificates this CA issues are valid (at most until the CA itself expires). Default 365.</summary>
    public int ValidityDays { get; set; } = 365;

    /// <summary>Checks the values of the section <paramref name="section"/> and names each bad setting.</summary>
    public IEnumerable<string> Validate(string section)
    {
        if ((CaCertificateFile is null) != (CaKeyFile is null))
        {
            yield return $"{section}:CaCertificateFile and {section}:CaKeyFile must be given together (or neither, to generate the CA in the data folder).";
        }

        if (CaCertificateFile is not null && !File.Exists(CaCertificateFile))
        {
            yield return $"{section}:CaCertificateFile names no file ('{CaCertificateFile}').";
        }

        if (CaKeyFile is not null && !File.Exists(CaKeyFile))
        {
            yield return $"{section}:CaKeyFile names no file ('{CaKeyFile}').";
        }

        if (ValidityDays is < 1 or > 3650)
        {
            yield return $"{section}:ValidityDays must be between 1 and 3650 (is {ValidityDays}).";
        }

        if (CaSubject is not null)
        {
            string? error = null;
            try
            {
                _ = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(CaSubject);
            }
            catch (System.Security.Cryptography.CryptographicException ex)
            {
                error = ex.Message;
            }

            if (error is not null)
            {
                yield return $"{section}:CaSubject is not a distinguished name ('{CaSubject}'): {error}";
            }
        }
    }
}

/// <summary>
/// The CSMS's certificate authorities (section <c>Csms:Certificates</c>): the one that signs charging-station
/// certificates (A02/A03) and is the CSMS root stations trust, and under <see cref="V2g"/> the one for V2G certificates.
/// </summary>
public sealed class CertificatesOptions : CaOptions
{
    /// <summary>The organisation (O) that station CSRs must carry (SecurityCtrlr.OrganizationName). Default "Ohm".</summary>
    public string OrganizationName { get; set; } = "Ohm";

    /// <summary>The CA of V2G certificates (certificateType V2GCertificate), section <c>Csms:Certificates:V2g</c>.</summary>
    public CaOptions V2g { get; set; } = new();

    /// <summary>The subject of the generated station CA.</summary>
    public string StationCaSubject => CaSubject ?? $"CN=Ohm CSMS Root CA, O={OrganizationName}";

    /// <summary>The subject of the generated V2G CA.</summary>
    public string V2gCaSubject => V2g.CaSubject ?? $"CN=Ohm V2G CA, O={OrganizationName}";

    /// <summary>Checks the values and names each bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(OrganizationName) || OrganizationName.Length > 64 || OrganizationName.Contains(',', StringComparison.Ordinal))
        {
            yield return $"Csms:Certificates:OrganizationName must be 1 to 64 characters without a comma (is '{OrganizationName}').";
        }

        foreach (var error in Validate("Csms:Certificates").Concat(V2g.Validate("Csms:Certificates:V2g")))
        {
            yield return error;
        }
    }
}
