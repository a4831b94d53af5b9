using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Certificates;

/// <summary>
/// The checks a CSR passes before the CSMS has it signed (A02/A03): it parses and its signature verifies, its subject's
/// CN is the station identity and O the configured organisation, and its key is RSA of at least 2048 bits or EC on
/// P-256/P-384. A failure gives the statusInfo reasonCode and the detail of the Rejected answer.
/// </summary>
public static class CsrCheck
{
    /// <summary>The CSR does not parse or its signature does not verify.</summary>
    public const string InvalidCsrReason = "InvalidCSR";

    /// <summary>The subject's CN is not the identity of the station that sent it.</summary>
    public const string WrongCommonNameReason = "InvalidCommonName";

    /// <summary>The subject's O is not Csms:Certificates:OrganizationName.</summary>
    public const string WrongOrganizationReason = "InvalidOrganization";

    /// <summary>The key is too weak or of a kind the CSMS does not sign.</summary>
    public const string WeakKeyReason = "InvalidKey";

    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationOid = "2.5.4.10";

    /// <summary>A refusal: the reasonCode and what is wrong.</summary>
    public sealed record Refusal(string ReasonCode, string Detail);

    /// <summary>Checks <paramref name="request"/> of <paramref name="stationId"/>; the parsed CSR, or why it is refused.</summary>
    public static (StationCsr? Csr, Refusal? Refusal) Check(string stationId, SignCertificateRequest request, string organizationName)
    {
        ArgumentNullException.ThrowIfNull(request);
        CertificateRequest parsed;
        try
        {
            // Loading verifies the CSR's signature with its own public key (proof of possession of the private key).
            parsed = CertificateRequest.LoadSigningRequestPem(request.Csr, HashAlgorithmName.SHA256);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return (null, new Refusal(InvalidCsrReason, $"The CSR does not parse as a PEM PKCS#10 request or its signature does not verify: {ex.Message}"));
        }

        var commonName = Single(parsed.SubjectName, CommonNameOid);
        if (commonName != stationId)
        {
            return (null, new Refusal(WrongCommonNameReason, $"The CSR's subject CN is '{commonName}'; it must be the station identity '{stationId}'."));
        }

        var organization = Single(parsed.SubjectName, OrganizationOid);
        if (organization != organizationName)
        {
            return (null, new Refusal(WrongOrganizationReason, $"The CSR's subject O is '{organization}'; it must be '{organizationName}' (SecurityCtrlr.OrganizationName)."));
        }

        if (KeyProblem(parsed.PublicKey) is { } problem)
        {
            return (null, new Refusal(WeakKeyReason, problem));
        }

        return (new StationCsr(stationId, request.CertificateType ?? CertificateSigningUseEnumType.ChargingStationCertificate, request.Csr, parsed), null);
    }

    private static string? KeyProblem(PublicKey key)
    {
        using var rsa = key.GetRSAPublicKey();
        if (rsa is not null)
        {
            return rsa.KeySize >= 2048 ? null : $"The CSR's RSA key has {rsa.KeySize} bits; at least 2048 are needed.";
        }

        using var ec = key.GetECDsaPublicKey() ?? (ECAlgorithm?)key.GetECDiffieHellmanPublicKey();
        if (ec is not null)
        {
            var curve = ec.ExportParameters(false).Curve.Oid;
            return curve.Value is "1.2.840.10045.3.1.7" or "1.3.132.0.34"
                ? null
                : $"The CSR's EC key is on curve {curve.FriendlyName ?? curve.Value}; P-256 or P-384 is needed.";
        }

        return $"The CSR's key is of type {key.Oid.FriendlyName ?? key.Oid.Value}; RSA (2048 bits or more) or EC (P-256, P-384) is needed.";
    }

    // The value of the one attribute of type oid in the name, or null when it has none or several.
    private static string? Single(X500DistinguishedName name, string oid)
    {
        string? found = null;
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != oid)
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = rdn.GetSingleElementValue();
        }

        return found;
    }
}
