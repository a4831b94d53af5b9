using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Queries;

/// <summary>The certificates the CSMS issued to stations (A02/A03), newest first: the query of <c>GET /api/certificates</c> and of the console's page.</summary>
public sealed class CertificateQueries(CsmsDatabase database, TimeProvider time)
{
    /// <summary>
    /// The certificates of <paramref name="stationId"/> (all stations when null) whose notAfter is within
    /// <paramref name="expiringWithinDays"/> days from now (any when null), <paramref name="take"/> of them before the id <paramref name="before"/>.
    /// </summary>
    public async Task<KeysetPage<CertificateView>> ListAsync(string? stationId, int? expiringWithinDays, long? before, int take, CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = db.IssuedCertificates.AsNoTracking();
        if (stationId is not null)
        {
            query = query.Where(c => c.StationId == stationId);
        }

        if (expiringWithinDays is { } days)
        {
            var until = time.GetUtcNow().AddDays(days);
            query = query.Where(c => c.NotAfter <= until);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(c => c.Id < b);
        }

        var rows = await query.OrderByDescending(c => c.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return KeysetPage.Of(rows, take, total, CertificateView.Of, c => c.Id);
    }
}

/// <summary>An issued certificate; <c>signedResult</c> is the station's CertificateSigned status, or why it got none.</summary>
public sealed record CertificateView(
    string SerialNumber, string StationId, string CertificateType, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Fingerprint, DateTimeOffset IssuedAt, string? SignedResult, DateTimeOffset? RevokedAt, string? RevocationReason, string Pem)
{
    /// <summary>The view of a stored certificate.</summary>
    public static CertificateView Of(IssuedCertificateRecord c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.SerialNumber, c.StationId, c.CertificateType, c.Subject, c.Issuer, c.NotBefore, c.NotAfter, c.Fingerprint, c.IssuedAt, c.SignedResult, c.RevokedAt, c.RevocationReason, c.Pem);
    }
}
