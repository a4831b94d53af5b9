using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>GET /api/stations/{id}/messages</c>: the messages a station sent that are stored as received (security events,
/// firmware and log status, monitoring reports, charging limits, ...), newest first, filtered by action, paged by id.
/// </summary>
internal static class StationMessagesApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/stations/{stationId}/messages", ListAsync)
            .WithTags("Stations")
            .WithSummary("Messages the station sent that are stored as received, newest first; filter by action, page with before")
            .Produces<StationMessagePage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    /// <summary>A stored message: its payload is the request's JSON as the station sent it.</summary>
    internal sealed record StationMessageView(long Id, string Action, string MessageId, DateTimeOffset ReceivedAt, JsonElement Payload);

    /// <summary>A page of messages; <c>nextBefore</c> is the <c>before</c> of the next page, null on the last.</summary>
    internal sealed record StationMessagePage(List<StationMessageView> Items, long? NextBefore);

    private static async Task<IResult> ListAsync(string stationId, string? action, long? before, int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (action is not null && (OcppActions.Find(action) is not { } definition || !definition.IsSentBy(OcppRole.ChargingStation)))
        {
            return ApiResults.Invalid("action", $"'{action}' is not an OCPP 2.0.1 action that a station sends");
        }

        if (limit is < 1 or > 500)
        {
            return ApiResults.Invalid("limit", "must be between 1 and 500");
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.NotFound($"Station '{stationId}' is not registered.");
        }

        var query = db.StationMessages.AsNoTracking().Where(m => m.StationId == stationId);
        if (action is not null)
        {
            query = query.Where(m => m.Action == action);
        }

        if (before is { } b)
        {
            query = query.Where(m => m.Id < b);
        }

        var take = limit ?? 100;
        var rows = await query.OrderByDescending(m => m.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var items = rows.Take(take).Select(m => new StationMessageView(m.Id, m.Action, m.MessageId, m.ReceivedAt, Parse(m.Payload))).ToList();
        return Results.Ok(new StationMessagePage(items, rows.Count > take ? items[^1].Id : null));
    }

    private static JsonElement Parse(string payload)
    {
        using var document = JsonDocument.Parse(payload);
        return document.RootElement.Clone();
    }
}
