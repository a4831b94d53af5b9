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
