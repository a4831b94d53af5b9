using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Server.Api;

/// <summary>The audit log (Administrator): every call operators made to stations, through the API or the console.</summary>
internal static class AuditApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit", ListAsync).WithTags("Accounts").WithName("listAudit")
            .WithSummary("The calls operators made to stations, newest first: account, station, OCPP action and outcome (Answered, CallError, Timeout, NotConnected, Failed); filter by account and station (Administrator)");

    private static async Task<Results<Ok<Page<AuditEntryView>>, ValidationProblem>> ListAsync(
        AuditLog audit, [Description("only this account's calls")] string? account, [Description("only calls to this station")] string? stationId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        var (rows, total) = await audit.PageAsync(account, stationId, before, take + 1, cancellationToken: ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows.ToList(), take, total, e => e, e => Paging.Key(e.Id)));
    }
}
