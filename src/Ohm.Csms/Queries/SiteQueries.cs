using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Queries;

/// <summary>The sites (K: the load balancer's tree) with their members, schedule and priorities: the queries of <c>GET /api/sites</c> and of the console's page.</summary>
public sealed class SiteQueries(CsmsDatabase database)
{
    /// <summary>The sites after the id <paramref name="after"/>, in ordinal order of their ids, <paramref name="take"/> of them.</summary>
    public async Task<SitePage> ListAsync(string? after, int take, CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var all = (await db.Sites.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        var rows = all.Where(s => after is null || string.CompareOrdinal(s.Id, after) > 0).Take(take + 1).ToList();
        var views = new List<SiteView>();
        foreach (var s in rows.Take(take))
        {
            views.Add(await ViewAsync(db, s, cancellationToken).ConfigureAwait(false));
        }

        return new SitePage(views, all.Count, rows.Count > take ? rows[take - 1].Id : null);
    }

    /// <summary>One site, or null.</summary>
    public async Task<SiteView?> GetAsync(string siteId, CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteId, cancellationToken).ConfigureAwait(false);
        return site is null ? null : await ViewAsync(db, site, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The view of a site as <paramref name="db"/> holds it (the API's writes answer it from their own context).</summary>
    public static async Task<SiteView> ViewAsync(CsmsDbContext db, SiteRecord s, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(s);
        var members = await db.SiteMembers.AsNoTracking().Where(m => m.SiteId == s.Id).OrderBy(m => m.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var periods = await db.SiteLimitPeriods.AsNoTracking().Where(p => p.SiteId == s.Id).OrderBy(p => p.StartMinute).ToListAsync(cancellationToken).ConfigureAwait(false);
        var priorities = await db.SitePriorities.AsNoTracking().Where(p => p.SiteId == s.Id).OrderBy(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new SiteView(s.Id, s.Name, s.ParentSiteId, s.Limit, s.LimitUnit, s.TimeZone, s.MarginPercent, s.MarginAbsolute, s.Voltage, s.Phases,
            s.FallbackCurrent, s.OfflineFallbackSeconds, s.MinCurrent, s.MaxCurrent, s.Threshold,
            [.. members.Select(m => new MemberView { StationId = m.StationId, EvseId = m.EvseId, MaxCurrent = m.MaxCurrent, EvseCount = m.EvseCount })],
            [.. periods.Select(p => new PeriodView(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{p.StartMinute / 60:00}:{p.StartMinute % 60:00}"), p.Limit))],
            [.. priorities.Select(p => new PriorityView(p.GroupIdToken, p.Priority))],
            s.CreatedAt, s.UpdatedAt);
    }
}

/// <summary>A page of sites: its items, how many sites there are, and the id the next page starts after (null on the last).</summary>
public sealed record SitePage(IReadOnlyList<SiteView> Items, int Total, string? NextAfter);

/// <summary>A member: a station (<c>evseId</c> left out: all its EVSEs) or one EVSE; <c>maxCurrent</c> (A) and <c>evseCount</c> optional.</summary>
public sealed record MemberView
{
    /// <summary>The station.</summary>
    public string StationId { get; init; } = string.Empty;

    /// <summary>The EVSE; null: all the station's EVSEs.</summary>
    public int? EvseId { get; init; }

    /// <summary>The member's own limit, A per phase.</summary>
    public decimal? MaxCurrent { get; init; }

    /// <summary>How many EVSEs the station has, where the CSMS cannot learn it.</summary>
    public int? EvseCount { get; init; }
}

/// <summary>A period of the daily schedule: from <c>start</c> ("HH:mm", local time) the limit is <c>limit</c> (the site's unit).</summary>
public sealed record PeriodView(string Start, decimal Limit);

/// <summary>A token group's priority.</summary>
public sealed record PriorityView(string GroupIdToken, int Priority);

/// <summary>A site as stored.</summary>
public sealed record SiteView(
    string Id, string Name, string? ParentSiteId, decimal Limit, SiteLimitUnit LimitUnit, string? TimeZone, decimal MarginPercent, decimal MarginAbsolute,
    decimal Voltage, int Phases, decimal FallbackCurrent, int OfflineFallbackSeconds, decimal MinCurrent, decimal MaxCurrent, decimal? Threshold,
    IReadOnlyList<MemberView> Members, IReadOnlyList<PeriodView> Schedule, IReadOnlyList<PriorityView> Priorities, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
