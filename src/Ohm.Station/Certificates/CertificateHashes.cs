using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.Certificates;

/// <summary>
/// The CertificateHashData of a certificate as Part 2 defines it (the fields of an OCSP CertID, RFC 6960): the hash of
/// the DER of the issuer's name, the hash of the issuer's public key (the value of its subjectPublicKey BIT STRING),
/// and the serial number as hexadecimal without leading zeroes. Hashes are written in lower-case hexadecimal.
/// </summary>
public static class CertificateHashes
{
    /// <summary>The hash data of <paramref name="certificate"/>, issued by <paramref name="issuer"/> (itself for a root).</summary>
    public static CertificateHashDataType Of(X509Certificate2 certificate, X509Certificate2 issuer, HashAlgorithmEnumType algorithm = HashAlgorithmEnumType.SHA256)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        return new CertificateHashDataType
        {
            HashAlgorithm = algorithm,
            IssuerNameHash = Hash(algorithm, certificate.IssuerName.RawData),
            IssuerKeyHash = Hash(algorithm, issuer.PublicKey.EncodedKeyValue.RawData),
            SerialNumber = SerialNumber(certificate),
        };
    }

    /// <summary>The serial number in hexadecimal, without a prefix and without leading zeroes (lower case).</summary>
    public static string SerialNumber(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var bytes = certificate.SerialNumberBytes.Span; // big-endian, as encoded
        var text = Convert.ToHexStringLower(bytes).TrimStart('0');
        return text.Length == 0 ? "0" : text;
    }

    /// <summary>Whether <paramref name="given"/> names the same certificate as <paramref name="mine"/> (hashes compared without regard to case, serials by value).</summary>
    public static bool Same(CertificateHashDataType given, CertificateHashDataType mine)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(mine);
        return given.HashAlgorithm == mine.HashAlgorithm
            && string.Equals(given.IssuerNameHash, mine.IssuerNameHash, StringComparison.OrdinalIgnoreCase)
            && string.Equals(given.IssuerKeyHash, mine.IssuerKeyHash, StringComparison.OrdinalIgnoreCase)
            && SerialValue(given.SerialNumber) == SerialValue(mine.SerialNumber);
    }

    private static BigInteger? SerialValue(string serial) =>
        BigInteger.TryParse("0" + serial, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string Hash(HashAlgorithmEnumType algorithm, byte[] data) => Convert.ToHexStringLower(algorithm switch
    {
        HashAlgorithmEnumType.SHA384 => SHA384.HashData(data),
        HashAlgorithmEnumType.SHA512 => SHA512.HashData(data),
        _ => SHA256.HashData(data),
    });
}
