using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Certificates;

/// <summary>
/// The certificates the CSMS issues to stations (A02/A03): a checked CSR is signed through the
/// <see cref="ICertificateSigner"/>, stored, and sent to the station in CertificateSigned; renewals are triggered
/// (TriggerMessage SignChargingStationCertificate / SignV2GCertificate) and certificates revoked. The revocation list
/// is what SP3 admission checks a client certificate against.
/// </summary>
public sealed class StationCertificates(
    CsmsDatabase database, CsmsWriter writer, IStationCallRouter router, ICertificateSigner signer, CertificatesOptions options, SecurityEventLog securityEvents,
    TimeProvider time, ILogger<StationCertificates> logger)
{
    /// <summary>Security-event type of a refused CSR (the Security Events appendix has none for a CSR; this names it).</summary>
    public const string InvalidCsrType = "InvalidCsr";

    /// <summary>Checks the CSR of a SignCertificate; a refusal is logged and recorded as a security event with the station's address.</summary>
    public async Task<(StationCsr? Csr, CsrCheck.Refusal? Refusal)> CheckAsync(string stationId, SignCertificateRequest request, CancellationToken cancellationToken)
    {
        var (csr, refusal) = CsrCheck.Check(stationId, request, options.OrganizationName);
        if (refusal is not null)
        {
            var address = await LastAddressAsync(stationId, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Security event {Type}: refused the CSR of {StationId} from {Remote}: {Reason}", InvalidCsrType, stationId, address, refusal.Detail);
            securityEvents.Record(InvalidCsrType, stationId, address, $"{refusal.ReasonCode}: {refusal.Detail}");
        }

        return (csr, refusal);
    }

    /// <summary>
    /// Has <paramref name="csr"/> signed, stores the certificate, and sends it to the station in CertificateSigned,
    /// storing its answer. Runs after the SignCertificate answer; each request (a repeat too) gets a new certificate.
    /// </summary>
    public async Task IssueAsync(StationCsr csr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(csr);
        var chain = await signer.SignAsync(csr, cancellationToken).ConfigureAwait(false);
        using var leaf = X509Certificate2.CreateFromPem(chain);
        if (!leaf.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(csr.Parsed.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new CryptographicException($"The certificate signer returned a certificate for another key than the CSR of {csr.StationId} ({leaf.Subject}).");
        }

        var record = new IssuedCertificateRecord
        {
            StationId = csr.StationId,
            CertificateType = csr.CertificateType.ToWire(),
            SerialNumber = leaf.SerialNumber,
            Subject = leaf.Subject,
            Issuer = leaf.Issuer,
            NotBefore = leaf.NotBefore.ToUniversalTime(),
            NotAfter = leaf.NotAfter.ToUniversalTime(),
            Fingerprint = Fingerprint(leaf),
            Pem = chain,
            IssuedAt = time.GetUtcNow(),
        };
        await writer.ExecuteForStationAsync(csr.StationId, db =>
        {
            db.IssuedCertificates.Add(record);
            return Task.FromResult(true);
        }, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Issued {Type} {Serial} to {StationId}, valid until {NotAfter:u}", record.CertificateType, record.SerialNumber, csr.StationId, record.NotAfter);

        string result;
        try
        {
            var response = await router.CallAsync(
                csr.StationId, new CertificateSignedRequest { CertificateChain = chain, CertificateType = csr.CertificateType }, cancellationToken).ConfigureAwait(false);
            result = response.Status.ToWire();
            if (response.Status != CertificateSignedStatusEnumType.Accepted)
            {
                logger.LogWarning("{StationId} answered CertificateSigned {Serial} with {Status} ({Reason})", csr.StationId, record.SerialNumber, result, response.StatusInfo?.ReasonCode);
            }
        }
        catch (Exception ex) when (ex is StationNotConnectedException or OcppCallTimeoutException or OcppCallErrorException or OcppPayloadException or OcppConnectionClosedException)
        {
            result = "NotSent: " + ex.Message;
            logger.LogWarning("CertificateSigned {Serial} did not reach {StationId}: {Reason}", record.SerialNumber, csr.StationId, ex.Message);
        }

        var serial = record.SerialNumber;
        var stored = result.Length > 300 ? result[..300] : result;
        await writer.ExecuteForStationAsync(csr.StationId, async db =>
        {
            var row = await db.IssuedCertificates.SingleAsync(c => c.SerialNumber == serial).ConfigureAwait(false);
            row.SignedResult = stored;
            return true;
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Whether the certificate with this SHA-256 <paramref name="fingerprint"/> was issued by the CSMS and revoked.</summary>
    public static async Task<bool> IsRevokedAsync(CsmsDatabase database, string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await db.IssuedCertificates.AsNoTracking().AnyAsync(c => c.Fingerprint == fingerprint && c.RevokedAt != null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes the certificate with <paramref name="serialNumber"/>; null when the CSMS issued none with it.</summary>
    public async Task<IssuedCertificateRecord?> RevokeAsync(string serialNumber, string? reason, CancellationToken cancellationToken)
    {
        var serial = serialNumber.ToUpperInvariant();
        var now = time.GetUtcNow();
        var revoked = await writer.ExecuteAsync(async db =>
        {
            var row = await db.IssuedCertificates.SingleOrDefaultAsync(c => c.SerialNumber == serial).ConfigureAwait(false);
            if (row is not null && row.RevokedAt is null)
            {
                row.RevokedAt = now;
                row.RevocationReason = reason is { Length: > 300 } ? reason[..300] : reason;
            }

            return row;
        }, cancellationToken).ConfigureAwait(false);
        if (revoked is not null)
        {
            logger.LogInformation("Revoked certificate {Serial} of {StationId}: {Reason}", revoked.SerialNumber, revoked.StationId, revoked.RevocationReason);
        }

        return revoked;
    }

    /// <summary>A03: asks the station to send SignCertificate for a new certificate of <paramref name="type"/> (TriggerMessage).</summary>
    public Task<TriggerMessageResponse> TriggerRenewalAsync(string stationId, CertificateSigningUseEnumType type, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, new TriggerMessageRequest
        {
            RequestedMessage = type == CertificateSigningUseEnumType.V2GCertificate ? MessageTriggerEnumType.SignV2GCertificate : MessageTriggerEnumType.SignChargingStationCertificate,
        }, cancellationToken);

    /// <summary>The stations whose newest certificate of <paramref name="type"/> expires before <paramref name="before"/>.</summary>
    public async Task<List<string>> ExpiringAsync(CertificateSigningUseEnumType type, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var wire = type.ToWire();
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var newest = await db.IssuedCertificates.AsNoTracking().Where(c => c.CertificateType == wire)
                .Select(c => new { c.StationId, c.IssuedAt, c.NotAfter }).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. newest.GroupBy(c => c.StationId, StringComparer.Ordinal)
                .Where(g => g.MaxBy(c => c.IssuedAt)!.NotAfter <= before).Select(g => g.Key).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>The SHA-256 fingerprint of a certificate as stored: upper-case hex of the DER.</summary>
    public static string Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexString(SHA256.HashData(certificate.RawData));
    }

    private async Task<IPAddress?> LastAddressAsync(string stationId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var address = await db.Connections.AsNoTracking().Where(c => c.StationId == stationId).OrderByDescending(c => c.Id)
                .Select(c => c.RemoteAddress).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return IPAddress.TryParse(address, out var parsed) ? parsed : null;
        }
    }
}
