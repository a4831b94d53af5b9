using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Queries;

/// <summary>One LogStatusNotification of a request.</summary>
public sealed record LogStatusView(string Status, DateTimeOffset ReceivedAt);

/// <summary>A GetLog request as stored, with every status the station sent for it and the uploaded file once there is one.</summary>
public sealed record LogRequestEntry(LogRequestRecord Request, LogStatusView[] History, StoredFileRecord? File);

/// <summary>N01's stored GetLog requests per station, for the API and the console alike.</summary>
public sealed class LogQueries(CsmsDatabase database)
{
    /// <summary>
    /// The station's requests, newest first, before <paramref name="before"/> (a keyset cursor), skipping <paramref name="skip"/>:
    /// at most <paramref name="take"/> + 1 rows (the one more says there is a next page) and how many there are in all; null
    /// when the station is not registered.
    /// </summary>
    public async Task<(List<LogRequestEntry> Rows, int Total)?> ListAsync(string stationId, long? before, int skip, int take, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var query = db.LogRequests.AsNoTracking().Where(r => r.StationId == stationId);
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(r => r.Id < b);
        }

        var rows = await query.OrderByDescending(r => r.Id).Skip(skip).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return (await EntriesAsync(db, rows, cancellationToken).ConfigureAwait(false), total);
    }

    /// <summary>One request of the station, or null.</summary>
    public async Task<LogRequestEntry?> GetAsync(string stationId, long requestId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var record = await db.LogRequests.AsNoTracking().FirstOrDefaultAsync(r => r.StationId == stationId && r.Id == requestId, cancellationToken).ConfigureAwait(false);
        return record is null ? null : (await EntriesAsync(db, [record], cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>The entry of a request just stored.</summary>
    public async Task<LogRequestEntry> EntryAsync(LogRequestRecord record, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        return (await EntriesAsync(db, [record], cancellationToken).ConfigureAwait(false))[0];
    }

    private static async Task<List<LogRequestEntry>> EntriesAsync(CsmsDbContext db, List<LogRequestRecord> records, CancellationToken ct)
    {
        var ids = records.Select(r => r.Id).ToList();
        var tokenIds = records.Select(r => r.TokenId).ToList();
        var history = (await db.LogStatuses.AsNoTracking().Where(s => s.LogRequestId != null && ids.Contains(s.LogRequestId.Value)).OrderBy(s => s.Id).ToListAsync(ct).ConfigureAwait(false))
            .ToLookup(s => s.LogRequestId!.Value);
        var fileOfToken = await db.FileTokens.AsNoTracking().Where(t => tokenIds.Contains(t.Id) && t.FileId != null).ToDictionaryAsync(t => t.Id, t => t.FileId!.Value, ct).ConfigureAwait(false);
        var fileIds = fileOfToken.Values.ToList();
        var files = await db.Files.AsNoTracking().Where(f => fileIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct).ConfigureAwait(false);
        return [.. records.Select(r => new LogRequestEntry(
            r,
            [.. history[r.Id].Select(s => new LogStatusView(s.Status, s.ReceivedAt))],
            fileOfToken.TryGetValue(r.TokenId, out var fileId) && files.TryGetValue(fileId, out var file) ? file : null))];
    }
}
