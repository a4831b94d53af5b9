using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Queries;

/// <summary>The security-event log (A04), newest first: the query of <c>GET /api/security-events</c> and of the console's page.</summary>
public sealed class SecurityEventQueries(CsmsDatabase database, SecurityEventLog log)
{
    /// <summary>Events matching <paramref name="filter"/>, newest first, <paramref name="take"/> of them before the event id <paramref name="before"/>.</summary>
    public async Task<KeysetPage<SecurityEventView>> ListAsync(SecurityEventFilter filter, long? before, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);

        // What was counted in memory since the last flush is part of the log.
        await log.FlushAsync(cancellationToken).ConfigureAwait(false);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = db.SecurityEvents.AsNoTracking();
        if (filter.StationId is { } stationId)
        {
            query = query.Where(e => e.StationId == stationId);
        }

        if (filter.Type is { } type)
        {
            query = query.Where(e => e.Type == type);
        }

        if (filter.Source is { } source)
        {
            query = query.Where(e => e.Source == source);
        }

        // Stored in UTC, so that SQLite's binary form of the timestamps orders as time does.
        if (filter.From?.ToUniversalTime() is { } start)
        {
            query = query.Where(e => e.Timestamp >= start);
        }

        if (filter.To?.ToUniversalTime() is { } end)
        {
            query = query.Where(e => e.Timestamp < end);
        }

        if (filter.Critical is { } c)
        {
            query = query.Where(e => e.Critical == c);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return KeysetPage.Of(
            rows, take, total, e => new SecurityEventView(e.Id, e.Timestamp, e.LastAt, e.Count, e.Source, e.Type, e.Critical, e.StationId, e.RemoteAddress, e.TechInfo), e => e.Id);
    }
}

/// <summary>Which security events: of a station, type, source (Csms or Station), time range [From, To), critical or not.</summary>
public sealed record SecurityEventFilter(
    string? StationId = null, string? Type = null, string? Source = null, DateTimeOffset? From = null, DateTimeOffset? To = null, bool? Critical = null);

/// <summary>One event, or <see cref="Count"/> alike ones from <see cref="Timestamp"/> to <see cref="LastAt"/>.</summary>
public sealed record SecurityEventView(
    long Id, DateTimeOffset Timestamp, DateTimeOffset LastAt, int Count, string Source, string Type, bool Critical, string? StationId, string? RemoteAddress, string? TechInfo);
