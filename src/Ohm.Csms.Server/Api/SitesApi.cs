using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Queries;
using Ohm.Csms.Sites;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Sites and their load balancing: create, read, change and delete sites (a limit in A per phase or W, a daily schedule of
/// limits in a time zone, a safety margin, the offline fallback, a parent site), their members (stations or EVSEs) and
/// token-group priorities; read the allocation in force and its history.
/// </summary>
internal static class SitesApi
{
    private const string Tag = "Sites";

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/sites", ListAsync).WithTags(Tag).WithName("listSites").WithSummary("All sites");
        api.MapPost("/sites", CreateAsync).WithTags(Tag).WithName("createSite").WithSummary("Create a site")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/sites/{siteId}", GetAsync).WithTags(Tag).WithName("getSite").WithSummary("One site with its members, schedule and priorities")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/sites/{siteId}", UpdateAsync).WithTags(Tag).WithName("updateSite").WithSummary("Change a site's settings (its members, schedule and priorities stay)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapDelete("/sites/{siteId}", DeleteAsync).WithTags(Tag).WithName("deleteSite").WithSummary("Delete a site (its child sites become roots)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/sites/{siteId}/members", PutMembersAsync).WithTags(Tag).WithName("putSiteMembers").WithSummary("Replace a site's members (stations or single EVSEs)")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPut("/sites/{siteId}/limit", PutLimitAsync).WithTags(Tag).WithName("putSiteLimit").WithSummary("Change a site's limit (the balancer recomputes at once)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/sites/{siteId}/schedule", PutScheduleAsync).WithTags(Tag).WithName("putSiteSchedule")
            .WithSummary("Replace a site's daily schedule of limits (periods from a time of day, in the site's time zone)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("/sites/{siteId}/priorities", PutPrioritiesAsync).WithTags(Tag).WithName("putSitePriorities")
            .WithSummary("Replace a site's priorities per token group (groupIdToken; higher is paused later)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/sites/{siteId}/allocation", AllocationAsync).WithTags(Tag).WithName("getSiteAllocation")
            .WithSummary("The limit in force and, per EVSE, the allocation, the measured current, the EV's needs and its state")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/sites/{siteId}/allocation/history", HistoryAsync).WithTags(Tag).WithName("getSiteAllocationHistory")
            .WithSummary("The allocations the balancer computed, as they changed, oldest first")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// A site's settings: <c>name</c>; <c>parentSiteId</c> (its members count in that site's limit too); <c>limit</c> in
    /// <c>limitUnit</c> (A per phase, or W in total); <c>timeZone</c> (IANA, for the schedule); <c>marginPercent</c> and
    /// <c>marginAbsolute</c> (kept below the limit); <c>voltage</c> and <c>phases</c> (W to A); <c>fallbackCurrent</c> (the
    /// TxDefaultProfile, A per EVSE) and <c>offlineFallbackSeconds</c>; <c>minCurrent</c> and <c>maxCurrent</c> per EV;
    /// <c>threshold</c> (A; an increase smaller than it is not sent).
    /// </summary>
    internal sealed record SiteBody
    {
        public string? Id { get; init; }

        public string? Name { get; init; }

        public string? ParentSiteId { get; init; }

        public decimal? Limit { get; init; }

        public SiteLimitUnit? LimitUnit { get; init; }

        public string? TimeZone { get; init; }

        public decimal? MarginPercent { get; init; }

        public decimal? MarginAbsolute { get; init; }

        public decimal? Voltage { get; init; }

        public int? Phases { get; init; }

        public decimal? FallbackCurrent { get; init; }

        public int? OfflineFallbackSeconds { get; init; }

        public decimal? MinCurrent { get; init; }

        public decimal? MaxCurrent { get; init; }

        public decimal? Threshold { get; init; }
    }

    /// <summary>A new limit, in the site's unit (or in <c>limitUnit</c>, which then becomes the site's).</summary>
    internal sealed record LimitBody
    {
        public decimal? Limit { get; init; }

        public SiteLimitUnit? LimitUnit { get; init; }
    }

    /// <summary>A site's daily schedule: its periods, and optionally a new <c>timeZone</c>.</summary>
    internal sealed record ScheduleBody
    {
        public List<PeriodView>? Periods { get; init; }

        public string? TimeZone { get; init; }
    }

    /// <summary>One entry of the allocation history.</summary>
    internal sealed record HistoryView(DateTimeOffset At, string SiteId, string StationId, int EvseId, decimal Allocated, decimal? Measured, decimal Limit, string State, string? TransactionId);

    private static Task<SiteView> ViewAsync(CsmsDbContext db, SiteRecord s, CancellationToken ct) => SiteQueries.ViewAsync(db, s, ct);

    private static ValidationProblem? Apply(SiteBody body, SiteRecord site, bool creating)
    {
        if (creating && (string.IsNullOrWhiteSpace(body.Id) || body.Id.Length > 64))
        {
            return ApiResults.Invalid("id", "is required, 1 to 64 characters");
        }

        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 200)
        {
            return ApiResults.Invalid("name", "is required, 1 to 200 characters");
        }

        if (body.Limit is not { } limit || limit < 0)
        {
            return ApiResults.Invalid("limit", "is required, 0 or more (A per phase, or W with limitUnit W)");
        }

        if (body.LimitUnit is { } unit && !Enum.IsDefined(unit))
        {
            return ApiResults.Invalid("limitUnit", "is A or W");
        }

        if (body.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return ApiResults.Invalid("timeZone", $"'{zone}' is not a known IANA time zone");
        }

        if (body.MarginPercent is < 0 or >= 100)
        {
            return ApiResults.Invalid("marginPercent", "is from 0 to less than 100");
        }

        if (body.MarginAbsolute is < 0)
        {
            return ApiResults.Invalid("marginAbsolute", "is 0 or more");
        }

        if (body.Voltage is <= 0 || body.Phases is not (null or 1 or 2 or 3))
        {
            return ApiResults.Invalid(body.Voltage is <= 0 ? "voltage" : "phases", body.Voltage is <= 0 ? "is more than 0" : "is 1, 2 or 3");
        }

        if (body.FallbackCurrent is < 0 || body.OfflineFallbackSeconds is < 0 || body.Threshold is < 0)
        {
            return ApiResults.Invalid(body.FallbackCurrent is < 0 ? "fallbackCurrent" : body.Threshold is < 0 ? "threshold" : "offlineFallbackSeconds", "is 0 or more");
        }

        var min = body.MinCurrent ?? site.MinCurrent;
        var max = body.MaxCurrent ?? site.MaxCurrent;
        if (min < 0 || max < min)
        {
            return ApiResults.Invalid(min < 0 ? "minCurrent" : "maxCurrent", "minCurrent is 0 or more and maxCurrent at least minCurrent");
        }

        site.Name = body.Name;
        site.ParentSiteId = string.IsNullOrEmpty(body.ParentSiteId) ? null : body.ParentSiteId;
        site.Limit = limit;
        site.LimitUnit = body.LimitUnit ?? site.LimitUnit;
        site.TimeZone = string.IsNullOrEmpty(body.TimeZone) ? null : body.TimeZone;
        site.MarginPercent = body.MarginPercent ?? 0m;
        site.MarginAbsolute = body.MarginAbsolute ?? 0m;
        site.Voltage = body.Voltage ?? site.Voltage;
        site.Phases = body.Phases ?? site.Phases;
        site.FallbackCurrent = body.FallbackCurrent ?? site.FallbackCurrent;
        site.OfflineFallbackSeconds = body.OfflineFallbackSeconds ?? site.OfflineFallbackSeconds;
        site.MinCurrent = min;
        site.MaxCurrent = max;
        site.Threshold = body.Threshold;
        return null;
    }

    private static async Task<string?> ParentProblemAsync(CsmsDbContext db, string siteId, string? parentId, CancellationToken ct)
    {
        if (parentId is null)
        {
            return null;
        }

        var parents = await db.Sites.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.ParentSiteId, ct).ConfigureAwait(false);
        if (!parents.ContainsKey(parentId))
        {
            return $"parent site '{parentId}' does not exist";
        }

        for (var id = parentId; id is not null; id = parents.GetValueOrDefault(id))
        {
            if (id == siteId)
            {
                return $"parent site '{parentId}' is '{siteId}' or inside it: sites cannot nest in a loop";
            }
        }

        return null;
    }

    private static async Task<Results<Ok<Page<SiteView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), System.ComponentModel.DataAnnotations.Range(1, Paging.MaxLimit)] int? limit,
        SiteQueries sites,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        var page = await sites.ListAsync(after, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(new Page<SiteView>(page.Items, page.Total, page.NextAfter is { } next ? Paging.Cursor(next) : null));
    }

    private static async Task<Results<Ok<SiteView>, ProblemHttpResult>> GetAsync(string siteId, SiteQueries sites, CancellationToken ct) =>
        await sites.GetAsync(siteId, ct).ConfigureAwait(false) is { } site ? TypedResults.Ok(site) : ApiResults.NotFound($"Site '{siteId}' does not exist.");

    private static async Task<Results<Created<SiteView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SiteBody body, CsmsWriter writer, SiteBalancer balancer, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var site = new SiteRecord { Id = body.Id ?? string.Empty, Name = string.Empty, CreatedAt = now, UpdatedAt = now };
        if (Apply(body, site, creating: true) is { } bad)
        {
            return bad;
        }

        var result = await writer.ExecuteAsync<Results<Created<SiteView>, ValidationProblem, ProblemHttpResult>>(async db =>
        {
            if (await db.Sites.AnyAsync(s => s.Id == site.Id, ct).ConfigureAwait(false))
            {
                return ApiResults.Conflict("Site exists", $"Site '{site.Id}' exists already.");
            }

            if (await ParentProblemAsync(db, site.Id, site.ParentSiteId, ct).ConfigureAwait(false) is { } parent)
            {
                return ApiResults.Invalid("parentSiteId", parent);
            }

            db.Sites.Add(site);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return TypedResults.Created($"/api/sites/{Uri.EscapeDataString(site.Id)}", await ViewAsync(db, site, ct).ConfigureAwait(false));
        }, ct).ConfigureAwait(false);
        balancer.SitesChanged(site.Id);
        return result;
    }

    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string siteId, SiteBody body, CsmsWriter writer, SiteBalancer balancer, TimeProvider time, CancellationToken ct)
    {
        return await ChangeSiteAsync(siteId, writer, balancer, async (db, site) =>
        {
            if (Apply(body, site, creating: false) is { } bad)
            {
                return bad;
            }

            if (await ParentProblemAsync(db, site.Id, site.ParentSiteId, ct).ConfigureAwait(false) is { } parent)
            {
                return ApiResults.Invalid("parentSiteId", parent);
            }

            site.UpdatedAt = time.GetUtcNow();
            return null;
        }, ct).ConfigureAwait(false);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string siteId, CsmsWriter writer, SiteBalancer balancer, CancellationToken ct)
    {
        var result = await writer.ExecuteAsync<Results<NoContent, ProblemHttpResult>>(async db =>
        {
            var site = await db.Sites.FirstOrDefaultAsync(s => s.Id == siteId, ct).ConfigureAwait(false);
            if (site is null)
            {
                return ApiResults.NotFound($"Site '{siteId}' does not exist.");
            }

            foreach (var child in await db.Sites.Where(s => s.ParentSiteId == siteId).ToListAsync(ct).ConfigureAwait(false))
            {
                child.ParentSiteId = null;
            }

            db.Sites.Remove(site);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return TypedResults.NoContent();
        }, ct).ConfigureAwait(false);
        balancer.SitesChanged(null);
        return result;
    }

    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> PutMembersAsync(
        string siteId, List<MemberView> body, CsmsWriter writer, SiteBalancer balancer, CancellationToken ct)
    {
        for (var i = 0; i < body.Count; i++)
        {
            var m = body[i];
            if (string.IsNullOrEmpty(m.StationId) || m.StationId.Length > 48)
            {
                return ApiResults.Invalid($"[{i}].stationId", "is required, 1 to 48 characters");
            }

            if (m.EvseId is <= 0 || m.MaxCurrent is < 0 || m.EvseCount is < 0)
            {
                return ApiResults.Invalid($"[{i}]", "evseId is more than 0 (leave it out for the whole station); maxCurrent and evseCount are 0 or more");
            }
        }

        var duplicate = body.GroupBy(m => (m.StationId, m.EvseId)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            return ApiResults.Invalid("members", $"station '{duplicate.Key.StationId}' EVSE {duplicate.Key.EvseId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(all)"} is listed twice");
        }

        return await ChangeSiteAsync(siteId, writer, balancer, async (db, site) =>
        {
            // An EVSE belongs to one site: its load counts once.
            var stations = body.Select(m => m.StationId).Distinct().ToList();
            var elsewhere = await db.SiteMembers.AsNoTracking().Where(m => m.SiteId != siteId && stations.Contains(m.StationId)).ToListAsync(ct).ConfigureAwait(false);
            foreach (var m in body)
            {
                if (elsewhere.FirstOrDefault(o => o.StationId == m.StationId && (o.EvseId is null || m.EvseId is null || o.EvseId == m.EvseId)) is { } other)
                {
                    return ApiResults.Conflict("Member of another site", $"Station '{m.StationId}' (or its EVSE) is a member of site '{other.SiteId}' already.");
                }
            }

            db.SiteMembers.RemoveRange(await db.SiteMembers.Where(m => m.SiteId == siteId).ToListAsync(ct).ConfigureAwait(false));
            db.SiteMembers.AddRange(body.Select(m => new SiteMemberRecord { SiteId = siteId, StationId = m.StationId, EvseId = m.EvseId, MaxCurrent = m.MaxCurrent, EvseCount = m.EvseCount }));
            return null;
        }, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> PutLimitAsync(
        string siteId, LimitBody body, CsmsWriter writer, SiteBalancer balancer, TimeProvider time, CancellationToken ct)
    {
        if (body.Limit is not { } limit || limit < 0)
        {
            return ApiResults.Invalid("limit", "is required, 0 or more");
        }

        if (body.LimitUnit is { } unit && !Enum.IsDefined(unit))
        {
            return ApiResults.Invalid("limitUnit", "is A or W");
        }

        return await ChangeSiteAsync(siteId, writer, balancer, async (db, site) =>
        {
            site.Limit = limit;
            site.LimitUnit = body.LimitUnit ?? site.LimitUnit;
            site.UpdatedAt = time.GetUtcNow();
            return null;
        }, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> PutScheduleAsync(
        string siteId, ScheduleBody body, CsmsWriter writer, SiteBalancer balancer, TimeProvider time, CancellationToken ct)
    {
        var periods = new List<SiteLimitPeriodRecord>();
        var list = body.Periods ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (!TimeOnly.TryParseExact(list[i].Start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var start))
            {
                return ApiResults.Invalid($"periods[{i}].start", "is a time of day as HH:mm");
            }

            if (list[i].Limit < 0)
            {
                return ApiResults.Invalid($"periods[{i}].limit", "is 0 or more");
            }

            periods.Add(new SiteLimitPeriodRecord { SiteId = siteId, StartMinute = (start.Hour * 60) + start.Minute, Limit = list[i].Limit });
        }

        if (periods.GroupBy(p => p.StartMinute).Any(g => g.Count() > 1))
        {
            return ApiResults.Invalid("periods", "two periods start at the same time");
        }

        if (body.TimeZone is { Length: > 0 } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return ApiResults.Invalid("timeZone", $"'{zone}' is not a known IANA time zone");
        }

        return await ChangeSiteAsync(siteId, writer, balancer, async (db, site) =>
        {
            if (body.TimeZone is not null)
            {
                site.TimeZone = body.TimeZone.Length == 0 ? null : body.TimeZone;
            }

            site.UpdatedAt = time.GetUtcNow();
            db.SiteLimitPeriods.RemoveRange(await db.SiteLimitPeriods.Where(p => p.SiteId == siteId).ToListAsync(ct).ConfigureAwait(false));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            db.SiteLimitPeriods.AddRange(periods);
            return null;
        }, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> PutPrioritiesAsync(
        string siteId, List<PriorityView> body, CsmsWriter writer, SiteBalancer balancer, CancellationToken ct)
    {
        if (body.FirstOrDefault(p => string.IsNullOrEmpty(p.GroupIdToken) || p.GroupIdToken.Length > 36) is not null)
        {
            return ApiResults.Invalid("groupIdToken", "is required, 1 to 36 characters");
        }

        if (body.GroupBy(p => p.GroupIdToken).Any(g => g.Count() > 1))
        {
            return ApiResults.Invalid("groupIdToken", "a group is listed twice");
        }

        return await ChangeSiteAsync(siteId, writer, balancer, async (db, site) =>
        {
            db.SitePriorities.RemoveRange(await db.SitePriorities.Where(p => p.SiteId == siteId).ToListAsync(ct).ConfigureAwait(false));
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            db.SitePriorities.AddRange(body.Select(p => new SitePriorityRecord { SiteId = siteId, GroupIdToken = p.GroupIdToken, Priority = p.Priority }));
            return null;
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes a site in one write and answers it as it now reads: 404 when it does not exist, or the problem that
    /// <paramref name="change"/> returns (null: the change is good, and saved). The balancer recomputes either way.
    /// </summary>
    private static async Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>> ChangeSiteAsync(
        string siteId, CsmsWriter writer, SiteBalancer balancer, Func<CsmsDbContext, SiteRecord, Task<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>?>> change, CancellationToken ct)
    {
        var result = await writer.ExecuteAsync<Results<Ok<SiteView>, ValidationProblem, ProblemHttpResult>>(async db =>
        {
            var site = await db.Sites.FirstOrDefaultAsync(s => s.Id == siteId, ct).ConfigureAwait(false);
            if (site is null)
            {
                return ApiResults.NotFound($"Site '{siteId}' does not exist.");
            }

            if (await change(db, site).ConfigureAwait(false) is { } problem)
            {
                return problem;
            }

            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return TypedResults.Ok(await ViewAsync(db, site, ct).ConfigureAwait(false));
        }, ct).ConfigureAwait(false);
        balancer.SitesChanged(siteId);
        return result;
    }

    private static async Task<Results<Ok<SiteAllocationView>, ProblemHttpResult>> AllocationAsync(string siteId, SiteBalancer balancer, CancellationToken ct)
    {
        var view = await balancer.ViewAsync(siteId, ct).ConfigureAwait(false);
        return view is null ? ApiResults.NotFound($"Site '{siteId}' does not exist.") : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<List<HistoryView>>, ProblemHttpResult>> HistoryAsync(
        string siteId,
        [Description("from this time (inclusive); leave it out for the last day")] DateTimeOffset? from,
        [Description("until this time (exclusive); leave it out for now")] DateTimeOffset? to,
        CsmsDatabase database,
        TimeProvider time,
        CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var ids = await db.Sites.AsNoTracking().Select(s => new { s.Id, s.ParentSiteId }).ToListAsync(ct).ConfigureAwait(false);
        if (ids.All(s => s.Id != siteId))
        {
            return ApiResults.NotFound($"Site '{siteId}' does not exist.");
        }

        var subtree = new HashSet<string>(StringComparer.Ordinal) { siteId };
        for (var added = true; added;)
        {
            added = false;
            foreach (var s in ids.Where(s => s.ParentSiteId is not null && subtree.Contains(s.ParentSiteId) && !subtree.Contains(s.Id)))
            {
                added |= subtree.Add(s.Id);
            }
        }

        var until = to ?? time.GetUtcNow().AddSeconds(1);
        var since = from ?? until.AddDays(-1);
        var sites = subtree.ToList();

        // SQLite compares DateTimeOffset as text: filtered here, the rows of a site are few per day.
        var rows = await db.SiteAllocations.AsNoTracking().Where(a => sites.Contains(a.SiteId)).OrderBy(a => a.Id).Take(100_000).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(rows.Where(a => a.At >= since && a.At < until)
            .Select(a => new HistoryView(a.At, a.SiteId, a.StationId, a.EvseId, a.Allocated, a.Measured, a.Limit, a.State, a.TransactionId)).ToList());
    }
}
