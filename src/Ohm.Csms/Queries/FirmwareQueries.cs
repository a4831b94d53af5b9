using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using FirmwareBlock = Ohm.Csms.Blocks.Firmware;

namespace Ohm.Csms.Queries;

/// <summary>A registered firmware.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "signed is the API's JSON name")]
public sealed record FirmwareView(long Id, string Version, long? FileId, string? Location, bool Signed, string? SigningCertificate, string? Signature, DateTimeOffset CreatedAt);

/// <summary>One FirmwareStatusNotification of an update.</summary>
public sealed record FirmwareStatusView(string Status, DateTimeOffset ReceivedAt);

/// <summary>
/// An update: requestId, state (Queued, Sent, InProgress, Done, Failed, Canceled, Skipped), the station's answer,
/// the last status, why it failed, the version it booted on, and every status received.
/// </summary>
public sealed record FirmwareUpdateView(
    long RequestId, string StationId, long FirmwareId, long? CampaignId, string State, string? ResponseStatus, string? Status, string? FailureReason, string? BootedVersion,
    DateTimeOffset? RetrieveDateTime, DateTimeOffset? InstallDateTime, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? FinishedAt, FirmwareStatusView[] History);

/// <summary>
/// A campaign: state Running, Completed or Stopped (stopReason says why), counts of its stations per update state
/// (queued, inProgress: sent or reporting, done, failed, skipped, canceled), and with <c>stations</c> each update.
/// </summary>
public sealed record CampaignView(
    long Id, string Name, long FirmwareId, string State, string? StopReason, int MaxConcurrent, int MaxFailurePercent, int Total, int Queued, int InProgress, int Done, int Failed,
    int Skipped, int Canceled, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, FirmwareUpdateView[]? Stations);

/// <summary>Block L's stored firmware, updates and campaigns with their progress, for the API and the console alike.</summary>
public sealed class FirmwareQueries(CsmsDatabase database)
{
    /// <summary>The view of a registered firmware.</summary>
    public static FirmwareView View(FirmwareRecord f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.Id, f.Version, f.FileId, f.Location, f.Signature is not null, f.SigningCertificate, f.Signature, f.CreatedAt);
    }

    /// <summary>
    /// The firmware registered, newest first, before <paramref name="before"/> (a keyset cursor), skipping <paramref name="skip"/>:
    /// at most <paramref name="take"/> + 1 rows (the one more says there is a next page) and how many there are in all.
    /// </summary>
    public async Task<(List<FirmwareView> Rows, int Total)> ListFirmwareAsync(long? before, int skip, int take, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var query = db.Firmware.AsNoTracking();
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(f => f.Id < b);
        }

        var rows = await query.OrderByDescending(f => f.Id).Skip(skip).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ([.. rows.Select(View)], total);
    }

    /// <summary>
    /// Campaigns, newest first, with their progress counts, before <paramref name="before"/> (a keyset cursor), skipping
    /// <paramref name="skip"/>: at most <paramref name="take"/> + 1 rows and how many there are in all.
    /// </summary>
    public async Task<(List<CampaignView> Rows, int Total)> ListCampaignsAsync(long? before, int skip, int take, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var query = db.FirmwareCampaigns.AsNoTracking();
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(c => c.Id < b);
        }

        var rows = await query.OrderByDescending(c => c.Id).Skip(skip).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var views = new List<CampaignView>(rows.Count);
        foreach (var row in rows)
        {
            views.Add(await CampaignViewAsync(db, row, withStations: false, cancellationToken).ConfigureAwait(false));
        }

        return (views, total);
    }

    /// <summary>A campaign with each station's update, or null.</summary>
    public async Task<CampaignView?> GetCampaignAsync(long campaignId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var campaign = await db.FirmwareCampaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken).ConfigureAwait(false);
        return campaign is null ? null : await CampaignViewAsync(db, campaign, withStations: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The view of a campaign (with each station's update when <paramref name="withStations"/>).</summary>
    public async Task<CampaignView> CampaignViewAsync(FirmwareCampaignRecord campaign, bool withStations, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        return await CampaignViewAsync(db, campaign, withStations, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why a firmware cannot be registered: version 1 to 50 characters; either a file of the file service or an http(s)/ftp(s)
    /// location of at most 512 characters; for L01 both a PEM signing certificate (at most 5500 characters) and a base64
    /// signature (at most 800), for L02 neither. Null when it can (a fileId is checked against the files when stored).
    /// </summary>
    public static (string Field, string Message)? CheckRegistration(string? version, long? fileId, string? location, string? signingCertificate, string? signature)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Length > 50)
        {
            return ("version", "is 1 to 50 characters long");
        }

        if ((fileId is null) == (location is null))
        {
            return (fileId is null ? "fileId" : "location", "give either fileId (a file of the file service) or location (an external URL)");
        }

        if (location is { } url && (url.Length > 512 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ftp" or "ftps")))
        {
            return ("location", "is an http, https, ftp or ftps URL of at most 512 characters");
        }

        if ((signingCertificate is null) != (signature is null))
        {
            return (signature is null ? "signature" : "signingCertificate", "a signed firmware (L01) has both signingCertificate and signature; an unsigned one (L02) neither");
        }

        if (signingCertificate is { } pem)
        {
            if (pem.Length > 5500)
            {
                return ("signingCertificate", "is at most 5500 characters (the limit of UpdateFirmware)");
            }

            try
            {
                using var _ = X509Certificate2.CreateFromPem(pem);
            }
            catch (CryptographicException ex)
            {
                return ("signingCertificate", "is not a PEM certificate: " + ex.Message);
            }
        }

        if (signature is { } sig && (sig.Length > 800 || !IsBase64(sig)))
        {
            return ("signature", "is base64 of at most 800 characters");
        }

        return null;
    }

    private static bool IsBase64(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out _);
    }

    /// <summary>The first of <paramref name="stationIds"/> that is not registered, or null when all are.</summary>
    public async Task<string?> FirstUnknownStationAsync(IReadOnlyList<string> stationIds, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var known = await db.Stations.AsNoTracking().Where(s => stationIds.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return stationIds.Except(known, StringComparer.Ordinal).FirstOrDefault();
    }

    /// <summary>The views of <paramref name="updates"/>, in their order, each with its status history.</summary>
    public static async Task<List<FirmwareUpdateView>> UpdateViewsAsync(CsmsDbContext db, List<FirmwareUpdateRecord> updates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(updates);
        var ids = updates.Select(u => u.Id).ToList();
        var history = (await db.FirmwareStatuses.AsNoTracking().Where(s => s.FirmwareUpdateId != null && ids.Contains(s.FirmwareUpdateId.Value)).OrderBy(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(s => s.FirmwareUpdateId!.Value);
        return [.. updates.Select(u => new FirmwareUpdateView(
            u.Id, u.StationId, u.FirmwareId, u.CampaignId, u.State, u.ResponseStatus, u.Status, u.FailureReason, u.BootedVersion, u.RetrieveDateTime, u.InstallDateTime,
            u.CreatedAt, u.SentAt, u.FinishedAt, [.. history[u.Id].Select(s => new FirmwareStatusView(s.Status, s.ReceivedAt))]))];
    }

    private static async Task<CampaignView> CampaignViewAsync(CsmsDbContext db, FirmwareCampaignRecord c, bool withStations, CancellationToken ct)
    {
        var updates = await db.FirmwareUpdates.AsNoTracking().Where(u => u.CampaignId == c.Id).OrderBy(u => u.Id).ToListAsync(ct).ConfigureAwait(false);
        int Count(params string[] states) => updates.Count(u => states.Contains(u.State));
        return new CampaignView(
            c.Id, c.Name, c.FirmwareId, c.State, c.StopReason, c.MaxConcurrent, c.MaxFailurePercent, updates.Count, Count(FirmwareBlock.Queued), Count(FirmwareBlock.Sent, FirmwareBlock.InProgress),
            Count(FirmwareBlock.Done), Count(FirmwareBlock.Failed), Count(FirmwareBlock.Skipped), Count(FirmwareBlock.Canceled), c.CreatedAt, c.FinishedAt,
            withStations ? [.. await UpdateViewsAsync(db, updates, ct).ConfigureAwait(false)] : null);
    }
}
