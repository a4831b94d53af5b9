using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Ohm.Csms.Events;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Events as alerts (N07, N08): the alerts across the fleet (open ones by default; by severity, station, component,
/// variable), the history of one variable of a station, and the live stream of new events (Server-Sent Events).
/// </summary>
internal static class AlertsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/alerts", ListAsync).WithTags("Alerts").WithName("listAlerts")
            .WithSummary("Alerts across the fleet, newest first: open ones unless open=false; filter by severity, station, component, variable")
            .WithDescription("An alert is open from the first Alerting event of a station's component, variable and monitor until the event of the same that is cleared. "
                + "maxSeverity n keeps the alerts of severity 0 (Danger) to n; an alert's severity is its monitor's, null when the CSMS does not know the monitor.");
        api.MapGet("/stations/{stationId}/variables/history", HistoryAsync).WithTags("Alerts").WithName("variableHistory")
            .WithSummary("The events of one variable of a component of the station, newest first (its values over time: N07 alerts, N08 periodic samples)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/events/stream", Stream).WithTags("Alerts").WithName("streamEvents")
            .WithSummary("Server-Sent Events: every new event as it is stored, one JSON per event (event type 'event'); filter by station and severity")
            .WithDescription("The stream starts with the events stored after the request; it is a live view: a client that falls 1024 events behind loses the oldest "
                + "(webhooks have the durable outbox). Each event is the body webhooks receive.")
            .Produces<EventNotice>(StatusCodes.Status200OK, "text/event-stream");
    }

    private static async Task<Results<Ok<Page<AlertView>>, ValidationProblem>> ListAsync(
        [Description("0 (Danger) to 9 (Debug): alerts of this severity or more severe")] int? maxSeverity, string? stationId, string? component, string? variable,
        [Description("true (the default): open alerts; false: cleared ones")] bool? open,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, AlertQueries alerts, CancellationToken ct)
    {
        if (maxSeverity is < 0 or > 9)
        {
            return ApiResults.Invalid("maxSeverity", "must be 0 to 9");
        }

        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        var page = await alerts.AlertsAsync(new AlertFilter(open ?? true, maxSeverity, stationId, component, variable), before, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(new Page<AlertView>(page.Items, page.Total, page.NextKey is { } next ? Paging.Cursor(Paging.Key(next)) : null));
    }

    private static async Task<Results<Ok<Page<EventNotice>>, ValidationProblem, ProblemHttpResult>> HistoryAsync(
        string stationId, [Required] string component, [Required] string variable, string? componentInstance, string? variableInstance, int? evseId, int? connectorId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(component) || string.IsNullOrEmpty(variable))
        {
            return ApiResults.Invalid(string.IsNullOrEmpty(component) ? "component" : "variable", "is required");
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

        var query = db.Events.AsNoTracking().Where(e => e.StationId == stationId && e.ComponentName == component && e.VariableName == variable);
        if (componentInstance is not null)
        {
            query = query.Where(e => e.ComponentInstance == componentInstance);
        }

        if (variableInstance is not null)
        {
            query = query.Where(e => e.VariableInstance == variableInstance);
        }

        if (evseId is not null)
        {
            query = query.Where(e => e.EvseId == evseId);
        }

        if (connectorId is not null)
        {
            query = query.Where(e => e.ConnectorId == connectorId);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(e => e.Id < b);
        }

        var rows = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var ids = rows.Select(e => e.Id).ToList();
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.StationId == stationId && (ids.Contains(a.OpenedByEventId) || (a.ClearedByEventId != null && ids.Contains(a.ClearedByEventId.Value))))
            .ToListAsync(ct).ConfigureAwait(false);
        EventAlert? AlertOf(EventRecord e) =>
            alerts.FirstOrDefault(a => a.ClearedByEventId == e.Id) is { } c ? new EventAlert(c.Id, AlertStates.Cleared)
            : alerts.FirstOrDefault(a => a.OpenedByEventId == e.Id) is { } o ? new EventAlert(o.Id, AlertStates.Opened) : null;
        return TypedResults.Ok(Paging.Of(rows, take, total, e => EventNotice.Of(e, AlertOf(e)), e => Paging.Key(e.Id)));
    }

    private static Results<ServerSentEventsResult<EventNotice>, ValidationProblem> Stream(
        string? stationId, [Description("0 (Danger) to 9 (Debug): events of this severity or more severe (events of unknown severity are left out)")] int? maxSeverity,
        IEventFanOut stream, IHostApplicationLifetime lifetime, CancellationToken ct)
    {
        if (maxSeverity is < 0 or > 9)
        {
            return ApiResults.Invalid("maxSeverity", "must be 0 to 9");
        }

        return TypedResults.ServerSentEvents(FilteredAsync(stream, stationId, maxSeverity, lifetime.ApplicationStopping, ct), eventType: "event");
    }

    private static async IAsyncEnumerable<EventNotice> FilteredAsync(
        IEventFanOut stream, string? stationId, int? maxSeverity, CancellationToken stopping, [EnumeratorCancellation] CancellationToken ct)
    {
        // The host's stop ends the stream, so that stopping does not wait for its clients to go away.
        using var both = CancellationTokenSource.CreateLinkedTokenSource(stopping, ct);
        await foreach (var notice in stream.SubscribeAsync(both.Token).ConfigureAwait(false))
        {
            if ((stationId is null || notice.StationId == stationId) && (maxSeverity is not { } max || (notice.Severity is { } s && s <= max)))
            {
                yield return notice;
            }
        }
    }
}
