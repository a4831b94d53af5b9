using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>The security-event log: refused handshakes and certificates the CSMS saw, newest first, paged.</summary>
internal static class SecurityEventsApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/security-events", ListAsync).WithTags("Security").WithSummary("Security events, newest first; filter by station, type or source; page with before=next");

    /// <summary>One event, or <see cref="Count"/> alike ones from <see cref="Timestamp"/> to <see cref="LastAt"/>.</summary>
    internal sealed record SecurityEventView(
        long Id, DateTimeOffset Timestamp, DateTimeOffset LastAt, int Count, string Source, string Type, string? StationId, string? RemoteAddress, string? TechInfo);

    /// <summary>A page of events; <see cref="Next"/> is the <c>before</c> of the next page, null on the last.</summary>
    internal sealed record SecurityEventPage(IReadOnlyList<SecurityEventView> Items, long? Next);

    private static async Task<Results<Ok<SecurityEventPage>, ValidationProblem>> ListAsync(
        CsmsDatabase database, SecurityEventLog log, string? stationId, string? type, string? source, long? before, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["must be between 1 and 1000"] });
        }

        if (source is not null and not (SecurityEventRecord.FromCsms or SecurityEventRecord.FromStation))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["source"] = ["must be Csms or Station"] });
        }

        // What was counted in memory since the last flush is part of the log.
        await log.FlushAsync(ct).ConfigureAwait(false);
        await using var db = database.CreateContext();
        var query = db.SecurityEvents.AsNoTracking();
        if (stationId is not null)
        {
            query = query.Where(e => e.StationId == stationId);
        }

        if (type is not null)
        {
            query = query.Where(e => e.Type == type);
        }

        if (source is not null)
        {
            query = query.Where(e => e.Source == source);
        }

        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var take = limit ?? 100;
        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var items = rows.Take(take).Select(e => new SecurityEventView(e.Id, e.Timestamp, e.LastAt, e.Count, e.Source, e.Type, e.StationId, e.RemoteAddress, e.TechInfo)).ToList();
        return TypedResults.Ok(new SecurityEventPage(items, rows.Count > take ? items[^1].Id : null));
    }
}
