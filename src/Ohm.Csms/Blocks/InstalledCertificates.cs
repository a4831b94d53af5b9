using System.Numerics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block M from the operator's side: the certificates installed on a station. M03 GetInstalledCertificateIds (the
/// stored list of the types asked for becomes what the station reported), M04 DeleteCertificate (the stored one goes
/// when the station deleted it or does not have it) and M05 InstallCertificate (stored, with the PEM, subject and
/// validity the CSMS knows, when the station accepted it).
/// </summary>
public sealed class InstalledCertificates(IStationCallRouter router, CsmsWriter writer, CsmsDatabase database, TimeProvider time, ILogger<InstalledCertificates> logger)
{
    /// <summary><see cref="InstalledCertificateRecord.Source"/> of a certificate the station reported in M03.</summary>
    public const string Reported = "Reported";

    /// <summary><see cref="InstalledCertificateRecord.Source"/> of a certificate the station accepted in M05.</summary>
    public const string Installed = "Installed";

    /// <summary>The longest certificate InstallCertificate carries (the schema's maxLength of certificate).</summary>
    public const int MaxCertificateLength = 5500;

    /// <summary>What the station answered to InstallCertificate, and the stored record when it accepted.</summary>
    public sealed record InstallOutcome(InstallCertificateResponse Response, InstalledCertificateRecord? Stored);

    /// <summary>What the station answered to DeleteCertificate, and how many stored records went with it.</summary>
    public sealed record DeleteOutcome(DeleteCertificateResponse Response, int Removed);

    // M03 Retrieve list of available certificates from a Charging Station: the stored list follows the answer.
    public async Task<GetInstalledCertificateIdsResponse> GetAsync(string stationId, IReadOnlyCollection<GetCertificateIdUseEnumType>? types, CancellationToken cancellationToken)
    {
        var asked = types is { Count: > 0 } ? types.Distinct().ToList() : null;
        var response = await router.CallAsync(stationId, new GetInstalledCertificateIdsRequest { CertificateType = asked }, cancellationToken).ConfigureAwait(false);
        var reported = response.Status == GetInstalledCertificateStatusEnumType.Accepted ? response.CertificateHashDataChain ?? [] : [];
        var wires = (asked ?? [.. Enum.GetValues<GetCertificateIdUseEnumType>()]).Select(t => t.ToWire()).ToList();
        var now = time.GetUtcNow();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var stored = await db.InstalledCertificates.Where(c => c.StationId == stationId && wires.Contains(c.CertificateType)).ToListAsync().ConfigureAwait(false);
            var kept = new HashSet<InstalledCertificateRecord>();
            foreach (var chain in reported)
            {
                var type = chain.CertificateType.ToWire();
                var children = chain.ChildCertificateHashData is { Count: > 0 } c ? JsonSerializer.Serialize(c.Select(Normalized).Select(h => new HashView(h)).ToList(), JsonOptions) : null;
                var known = stored.FirstOrDefault(r => !kept.Contains(r) && r.CertificateType == type && Same(r, chain.CertificateHashData));
                if (known is not null)
                {
                    known.ChildHashDataJson = children;
                    known.UpdatedAt = now;
                    kept.Add(known);
                    continue;
                }

                var hash = Normalized(chain.CertificateHashData);
                var added = new InstalledCertificateRecord
                {
                    StationId = stationId,
                    CertificateType = type,
                    HashAlgorithm = hash.HashAlgorithm.ToWire(),
                    IssuerNameHash = hash.IssuerNameHash,
                    IssuerKeyHash = hash.IssuerKeyHash,
                    SerialNumber = hash.SerialNumber,
                    ChildHashDataJson = children,
                    Source = Reported,
                    UpdatedAt = now,
                };
                db.InstalledCertificates.Add(added);
                kept.Add(added);
            }

            db.InstalledCertificates.RemoveRange(stored.Where(r => !kept.Contains(r)));
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Station {StationId} reports {Count} installed certificates ({Status})", stationId, reported.Count, response.Status.ToWire());
        return response;
    }

    // M05 Install CA certificate in a Charging Station: stored with what the CSMS knows of it when the station accepts.
    public async Task<InstallOutcome> InstallAsync(string stationId, InstallCertificateUseEnumType type, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var pem = certificate.ExportCertificatePem();
        var response = await router.CallAsync(stationId, new InstallCertificateRequest { CertificateType = type, Certificate = pem }, cancellationToken).ConfigureAwait(false);
        if (response.Status != InstallCertificateStatusEnumType.Accepted)
        {
            logger.LogWarning("Station {StationId} did not install {Subject} as {Type}: {Status} {Reason}", stationId, certificate.Subject, type.ToWire(), response.Status.ToWire(), response.StatusInfo?.ReasonCode);
            return new InstallOutcome(response, null);
        }

        var wire = type.ToWire();
        var now = time.GetUtcNow();
        var stored = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var ofStation = await db.InstalledCertificates.Where(c => c.StationId == stationId).ToListAsync().ConfigureAwait(false);
            var hash = HashData(certificate, IssuerOf(certificate, ofStation));
            var record = ofStation.FirstOrDefault(r => r.CertificateType == wire && Same(r, hash));
            if (record is null)
            {
                record = new InstalledCertificateRecord
                {
                    StationId = stationId,
                    CertificateType = wire,
                    HashAlgorithm = hash.HashAlgorithm.ToWire(),
                    IssuerNameHash = hash.IssuerNameHash,
                    IssuerKeyHash = hash.IssuerKeyHash,
                    SerialNumber = hash.SerialNumber,
                    Source = Installed,
                };
                db.InstalledCertificates.Add(record);
            }

            record.Source = Installed;
            record.Subject = certificate.Subject;
            record.NotAfter = certificate.NotAfter.ToUniversalTime();
            record.Pem = pem;
            record.UpdatedAt = now;
            return record;
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Station {StationId} installed {Subject} as {Type}", stationId, certificate.Subject, wire);
        return new InstallOutcome(response, stored);
    }

    // M04 Delete a specific certificate from a Charging Station: the stored one goes once the station does not have it.
    public async Task<DeleteOutcome> DeleteAsync(string stationId, CertificateHashDataType hashData, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hashData);
        var given = Normalized(hashData);
        var response = await router.CallAsync(stationId, new DeleteCertificateRequest { CertificateHashData = given }, cancellationToken).ConfigureAwait(false);
        if (response.Status == DeleteCertificateStatusEnumType.Failed)
        {
            logger.LogWarning("Station {StationId} did not delete certificate serial {Serial}: {Reason}", stationId, given.SerialNumber, response.StatusInfo?.ReasonCode);
            return new DeleteOutcome(response, 0);
        }

        var removed = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var ofStation = await db.InstalledCertificates.Where(c => c.StationId == stationId).ToListAsync().ConfigureAwait(false);
            var gone = ofStation.Where(r => Same(r, given)).ToList();
            db.InstalledCertificates.RemoveRange(gone);
            return gone.Count;
        }, CancellationToken.None).ConfigureAwait(false);
        return new DeleteOutcome(response, removed);
    }

    /// <summary>The certificates stored for <paramref name="stationId"/>, by type then id.</summary>
    public async Task<IReadOnlyList<InstalledCertificateRecord>> StoredAsync(string stationId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var rows = await db.InstalledCertificates.AsNoTracking().Where(c => c.StationId == stationId).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.OrderBy(r => r.CertificateType, StringComparer.Ordinal).ThenBy(r => r.Id)];
        }
    }

    /// <summary>One stored certificate of <paramref name="stationId"/>, or null.</summary>
    public async Task<InstalledCertificateRecord?> FindAsync(string stationId, long id, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await db.InstalledCertificates.AsNoTracking().FirstOrDefaultAsync(c => c.StationId == stationId && c.Id == id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The hash data of a stored certificate, as DeleteCertificate sends it.</summary>
    public static CertificateHashDataType HashData(InstalledCertificateRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new CertificateHashDataType
        {
            HashAlgorithm = HashAlgorithmEnumTypeSchema.TryFromWire(record.HashAlgorithm, out var algorithm) ? algorithm : HashAlgorithmEnumType.SHA256,
            IssuerNameHash = record.IssuerNameHash,
            IssuerKeyHash = record.IssuerKeyHash,
            SerialNumber = record.SerialNumber,
        };
    }

    /// <summary>
    /// The CertificateHashData of <paramref name="certificate"/> as Part 2 defines it (an OCSP CertID's fields): hash of
    /// the issuer name's DER, hash of the issuer's public key, serial number in hex without leading zeroes; lower case.
    /// </summary>
    public static CertificateHashDataType HashData(X509Certificate2 certificate, X509Certificate2 issuer, HashAlgorithmEnumType algorithm = HashAlgorithmEnumType.SHA256)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(issuer);
        var serial = Convert.ToHexStringLower(certificate.SerialNumberBytes.Span).TrimStart('0');
        return new CertificateHashDataType
        {
            HashAlgorithm = algorithm,
            IssuerNameHash = Hash(algorithm, certificate.IssuerName.RawData),
            IssuerKeyHash = Hash(algorithm, issuer.PublicKey.EncodedKeyValue.RawData),
            SerialNumber = serial.Length == 0 ? "0" : serial,
        };
    }

    /// <summary>The hash data as the CSMS stores and sends it: hashes in lower case, the serial without leading zeroes.</summary>
    public static CertificateHashDataType Normalized(CertificateHashDataType hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var serial = hash.SerialNumber.ToLowerInvariant().TrimStart('0');
        return new CertificateHashDataType
        {
            HashAlgorithm = hash.HashAlgorithm,
            IssuerNameHash = hash.IssuerNameHash.ToLowerInvariant(),
            IssuerKeyHash = hash.IssuerKeyHash.ToLowerInvariant(),
            SerialNumber = serial.Length == 0 ? "0" : serial,
        };
    }

    /// <summary>Hash data in the shape stored for childCertificateHashData.</summary>
    internal sealed record HashView(string HashAlgorithm, string IssuerNameHash, string IssuerKeyHash, string SerialNumber)
    {
        public HashView(CertificateHashDataType hash)
            : this(hash.HashAlgorithm.ToWire(), hash.IssuerNameHash, hash.IssuerKeyHash, hash.SerialNumber)
        {
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static bool Same(InstalledCertificateRecord record, CertificateHashDataType hash) =>
        record.HashAlgorithm == hash.HashAlgorithm.ToWire()
        && string.Equals(record.IssuerNameHash, hash.IssuerNameHash, StringComparison.OrdinalIgnoreCase)
        && string.Equals(record.IssuerKeyHash, hash.IssuerKeyHash, StringComparison.OrdinalIgnoreCase)
        && SerialValue(record.SerialNumber) is { } a && a == SerialValue(hash.SerialNumber);

    private static BigInteger? SerialValue(string serial) =>
        BigInteger.TryParse("0" + serial, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A root is its own issuer; another certificate's is a certificate the CSMS installed on the station with its issuer's name, else itself (as the station does).</summary>
    private static X509Certificate2 IssuerOf(X509Certificate2 certificate, IEnumerable<InstalledCertificateRecord> ofStation)
    {
        if (certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
        {
            return certificate;
        }

        foreach (var record in ofStation)
        {
            if (record.Pem is { } pem)
            {
                var candidate = X509Certificate2.CreateFromPem(pem);
                if (candidate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData))
                {
                    return candidate;
                }
            }
        }

        return certificate;
    }

    private static string Hash(HashAlgorithmEnumType algorithm, byte[] data) => Convert.ToHexStringLower(algorithm switch
    {
        HashAlgorithmEnumType.SHA384 => SHA384.HashData(data),
        HashAlgorithmEnumType.SHA512 => SHA512.HashData(data),
        _ => SHA256.HashData(data),
    });
}
