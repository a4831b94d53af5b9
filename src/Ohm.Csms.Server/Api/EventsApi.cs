using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>GET /api/stations/{id}/events</c>: the events a station reported with NotifyEvent (N07, N08), newest first,
/// filtered by component, variable, trigger and cleared.
/// </summary>
internal static class EventsApi
{
    private static readonly string[] Triggers = ["Alerting", "Delta", "Periodic"];

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/stations/{stationId}/events", ListAsync)
            .WithTags("Stations")
            .WithName("listStationEvents")
            .WithSummary("Events the station reported (NotifyEvent), newest first; filter by component, variable, trigger, cleared")
            .ProducesProblem(StatusCodes.Status404NotFound);

    internal sealed record EventView(
        long Id, int EventId, DateTimeOffset Timestamp, string Trigger, int? Cause, string ActualValue, string? TechCode, string? TechInfo, bool Cleared,
        string? TransactionId, int? VariableMonitoringId, string EventNotificationType, string Component, string? ComponentInstance, int? EvseId,
        int? ConnectorId, string Variable, string? VariableInstance, DateTimeOffset GeneratedAt, bool ReportComplete, DateTimeOffset ReceivedAt);

    private static async Task<Results<Ok<Page<EventView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, string? component, string? variable, [Description("Alerting, Delta or Periodic")] string? trigger, bool? cleared,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (trigger is not null && !Triggers.Contains(trigger))
        {
            return ApiResults.Invalid("trigger", "must be Alerting, Delta or Periodic");
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

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1)
            .Join(db.EventReports, e => e.EventReportId, r => r.Id, (e, r) => new { Event = e, r.GeneratedAt, r.Complete })
            .ToListAsync(ct).ConfigureAwait(false);
        rows = rows.OrderByDescending(x => x.Event.Id).ToList();
        return TypedResults.Ok(Paging.Of(rows, take, total, x =>
        {
            var e = x.Event;
            return new EventView(
                e.Id, e.EventId, e.Timestamp, e.Trigger, e.Cause, e.ActualValue, e.TechCode, e.TechInfo, e.Cleared, e.TransactionId, e.VariableMonitoringId,
                e.EventNotificationType, e.ComponentName, e.ComponentInstance, e.EvseId, e.ConnectorId, e.VariableName, e.VariableInstance, x.GeneratedAt, x.Complete,
                e.ReceivedAt);
        }, x => Paging.Key(x.Event.Id)));
    }
}
