using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>The security-event log: refused handshakes and certificates the CSMS saw, newest first.</summary>
internal static class SecurityEventsApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/security-events", ListAsync).WithTags("Security").WithName("listSecurityEvents")
            .WithSummary("A04 Security events (refused handshakes and certificates, and those stations reported), newest first; filter by station, type, source, time (from, to) or critical only");

    /// <summary>One event, or <see cref="Count"/> alike ones from <see cref="Timestamp"/> to <see cref="LastAt"/>.</summary>
    internal sealed record SecurityEventView(
        long Id, DateTimeOffset Timestamp, DateTimeOffset LastAt, int Count, string Source, string Type, bool Critical, string? StationId, string? RemoteAddress, string? TechInfo);

    private static async Task<Results<Ok<Page<SecurityEventView>>, ValidationProblem>> ListAsync(
        CsmsDatabase database, SecurityEventLog log, string? stationId, string? type, [Description("Csms or Station")] string? source,
        [Description("only events at or after this time (the event's own timestamp)")] DateTimeOffset? from,
        [Description("only events before this time")] DateTimeOffset? to,
        [Description("true: only the types Part 2's Security Events appendix marks critical; false: only the others")] bool? critical,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        if (source is not null and not (SecurityEventRecord.FromCsms or SecurityEventRecord.FromStation))
        {
            return ApiResults.Invalid("source", "must be Csms or Station");
        }

        if (from is { } f && to is { } t && t <= f)
        {
            return ApiResults.Invalid("to", "must be after from");
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

        // Stored in UTC, so that SQLite's binary form of the timestamps orders as time does.
        if (from?.ToUniversalTime() is { } start)
        {
            query = query.Where(e => e.Timestamp >= start);
        }

        if (to?.ToUniversalTime() is { } end)
        {
            query = query.Where(e => e.Timestamp < end);
        }

        if (critical is { } c)
        {
            query = query.Where(e => e.Critical == c);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(
            rows, take, total, e => new SecurityEventView(e.Id, e.Timestamp, e.LastAt, e.Count, e.Source, e.Type, e.Critical, e.StationId, e.RemoteAddress, e.TechInfo), e => Paging.Key(e.Id)));
    }
}
