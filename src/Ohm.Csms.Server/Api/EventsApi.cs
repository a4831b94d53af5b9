using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>GET /api/stations/{id}/events</c>: the events a station reported with NotifyEvent (N07, N08), newest first,
/// filtered by component, variable, trigger and cleared, paged by id.
/// </summary>
internal static class EventsApi
{
    private static readonly string[] Triggers = ["Alerting", "Delta", "Periodic"];

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/stations/{stationId}/events", ListAsync)
            .WithTags("Stations")
            .WithSummary("Events the station reported (NotifyEvent), newest first; filter by component, variable, trigger, cleared; page with before")
            .Produces<EventPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal sealed record EventView(
        long Id, int EventId, DateTimeOffset Timestamp, string Trigger, int? Cause, string ActualValue, string? TechCode, string? TechInfo, bool Cleared,
        string? TransactionId, int? VariableMonitoringId, string EventNotificationType, string Component, string? ComponentInstance, int? EvseId,
        int? ConnectorId, string Variable, string? VariableInstance, DateTimeOffset GeneratedAt, bool ReportComplete, DateTimeOffset ReceivedAt);

    /// <summary>A page of events; <c>nextBefore</c> is the <c>before</c> of the next page, null on the last.</summary>
    internal sealed record EventPage(List<EventView> Items, long? NextBefore);

    private static async Task<IResult> ListAsync(
        string stationId, string? component, string? variable, string? trigger, bool? cleared, long? before, int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (trigger is not null && !Triggers.Contains(trigger))
        {
            return ApiResults.Invalid("trigger", "must be Alerting, Delta or Periodic");
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

        var query = db.Events.AsNoTracking().Where(e => e.StationId == stationId);
        if (component is not null)
        {
            query = query.Where(e => e.ComponentName == component);
        }

        if (variable is not null)
        {
            query = query.Where(e => e.VariableName == variable);
        }

        if (trigger is not null)
        {
            query = query.Where(e => e.Trigger == trigger);
        }

        if (cleared is { } c)
        {
            query = query.Where(e => e.Cleared == c);
        }

        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var take = limit ?? 100;
        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1)
            .Join(db.EventReports, e => e.EventReportId, r => r.Id, (e, r) => new { Event = e, r.GeneratedAt, r.Complete })
            .ToListAsync(ct).ConfigureAwait(false);
        var items = rows.OrderByDescending(x => x.Event.Id).Take(take).Select(x =>
        {
            var e = x.Event;
            return new EventView(
                e.Id, e.EventId, e.Timestamp, e.Trigger, e.Cause, e.ActualValue, e.TechCode, e.TechInfo, e.Cleared, e.TransactionId, e.VariableMonitoringId,
                e.EventNotificationType, e.ComponentName, e.ComponentInstance, e.EvseId, e.ConnectorId, e.VariableName, e.VariableInstance, x.GeneratedAt, x.Complete,
                e.ReceivedAt);
        }).ToList();
        return Results.Ok(new EventPage(items, rows.Count > take ? items[^1].Id : null));
    }
}
