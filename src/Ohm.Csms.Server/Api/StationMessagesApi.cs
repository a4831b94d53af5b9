using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>GET /api/stations/{id}/messages</c>: the messages a station sent that are stored as received (security events,
/// firmware and log status, monitoring reports, charging limits, ...), newest first, filtered by action.
/// </summary>
internal static class StationMessagesApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/stations/{stationId}/messages", ListAsync)
            .WithTags("Stations")
            .WithName("listStationMessages")
            .WithSummary("Messages the station sent that are stored as received, newest first; filter by action")
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>A stored message: its payload is the request's JSON as the station sent it.</summary>
    internal sealed record StationMessageView(long Id, string Action, string MessageId, DateTimeOffset ReceivedAt, JsonElement Payload);

    private static async Task<Results<Ok<Page<StationMessageView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, [Description("an OCPP action a station sends, such as SecurityEventNotification")] string? action,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (action is not null && (OcppActions.Find(action) is not { } definition || !definition.IsSentBy(OcppRole.ChargingStation)))
        {
            return ApiResults.Invalid("action", $"'{action}' is not an OCPP 2.0.1 action that a station sends");
        }

        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = db.StationMessages.AsNoTracking().Where(m => m.StationId == stationId);
        if (action is not null)
        {
            query = query.Where(m => m.Action == action);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(m => m.Id < b);
        }

        var rows = await query.OrderByDescending(m => m.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, m => new StationMessageView(m.Id, m.Action, m.MessageId, m.ReceivedAt, Parse(m.Payload)), m => Paging.Key(m.Id)));
    }

    private static JsonElement Parse(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }
}
