using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>The security-event log: refused handshakes and certificates the CSMS saw, newest first.</summary>
internal static class SecurityEventsApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/security-events", ListAsync).WithTags("Security").WithName("listSecurityEvents")
            .WithSummary("A04 Security events (refused handshakes and certificates, and those stations reported), newest first; filter by station, type, source, time (from, to) or critical only");

    private static async Task<Results<Ok<Page<SecurityEventView>>, ValidationProblem>> ListAsync(
        SecurityEventQueries events, string? stationId, string? type, [Description("Csms or Station")] string? source,
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

        var page = await events.ListAsync(new SecurityEventFilter(stationId, type, source, from, to, critical), before, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(new Page<SecurityEventView>(page.Items, page.Total, page.NextKey is { } next ? Paging.Cursor(Paging.Key(next)) : null));
    }
}
