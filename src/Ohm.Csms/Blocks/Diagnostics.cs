using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Events;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block N, Diagnostics, on the CSMS side: events (NotifyEvent) are stored one row each, open and clear alerts, go to
/// the live stream and, through the durable outbox written in the same transaction, to the webhooks; a connector's
/// AvailabilityState event updates its status as a StatusNotification does. Monitoring (N02-N06) is in
/// Diagnostics.Monitoring.cs; N01 log status is <see cref="LogRetrieval"/>'s and customer information (N09, N10)
/// <see cref="CustomerInformation"/>'s.
/// </summary>
public sealed partial class Diagnostics(
    CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, IEventFanOut stream, WebhookDispatcher webhooks,
    CsmsMetrics metrics, TimeProvider time, ILogger<Diagnostics> logger, IReportRelay? relay = null)
{
    /// <summary>The values of a connector's AvailabilityState, the same as a StatusNotification's connectorStatus.</summary>
    private static readonly HashSet<string> ConnectorStates = [.. Enum.GetValues<ConnectorStatusEnumType>().Select(s => s.ToWire())];

    // N07 Alert Event, N08 Periodic Event: each event is stored; the parts of one report are assembled by generatedAt,
    // seqNo and tbc; an AvailabilityState event of a Connector is its status (Part 2 allows it beside or instead of G01).
    public async ValueTask<NotifyEventResponse> NotifyEventAsync(NotifyEventRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var stationId = context.StationId;
        var now = time.GetUtcNow();
        var generatedAt = request.GeneratedAt.ToUniversalTime();
        var notices = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var report = await db.EventReports
                .Where(r => r.StationId == stationId && r.GeneratedAt == generatedAt && !r.Complete)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var created = report is null;
            report ??= new EventReportRecord { StationId = stationId, GeneratedAt = generatedAt, ReceivedAt = now };
            report.PartsReceived++;
            report.LastSeqNo = Math.Max(report.LastSeqNo, request.SeqNo);
            report.EventCount += request.EventData.Count;
            if (request.Tbc != true)
            {
                report.Complete = true;
                report.CompletedAt = now;
            }

            if (created)
            {
                report.Id = await db.Statements<EventReportRecord>().InsertAsync(report, cancellationToken).ConfigureAwait(false);
            }

            // The severity of an event is that of the monitor that raised it, as the station last reported or accepted it.
            var monitorIds = request.EventData.Where(e => e.VariableMonitoringId is not null).Select(e => e.VariableMonitoringId!.Value).Distinct().ToList();
            var severities = monitorIds.Count == 0
                ? []
                : await db.Monitors.AsNoTracking().Where(m => m.StationId == stationId && monitorIds.Contains(m.MonitorId))
                    .ToDictionaryAsync(m => m.MonitorId, m => m.Severity, cancellationToken).ConfigureAwait(false);
            var hooks = await Webhooks.EnabledAsync(db).ConfigureAwait(false);
            var notices = new List<EventNotice>(request.EventData.Count);
            foreach (var e in request.EventData.OrderBy(e => e.Timestamp))
            {
                var record = Record(stationId, report.Id, e, now);
                record.Severity = e.VariableMonitoringId is { } monitor && severities.TryGetValue(monitor, out var severity) ? severity : null;
                record.Id = await db.Statements<EventRecord>().InsertAsync(record, cancellationToken).ConfigureAwait(false);
                var notice = EventNotice.Of(record, await AlertAsync(db, record).ConfigureAwait(false));
                await Webhooks.EnqueueAsync(db, hooks, notice, now).ConfigureAwait(false);
                notices.Add(notice);
            }

            foreach (var e in request.EventData.Where(IsConnectorAvailability).OrderBy(e => e.Timestamp))
            {
                await Availability.ApplyStatusAsync(db, stationId, e.Component.Evse!.Id, e.Component.Evse.ConnectorId!.Value, e.ActualValue, e.Timestamp.ToUniversalTime(), now).ConfigureAwait(false);
            }

            return notices;
        }, Math.Max(1, request.EventData.Count), cancellationToken).ConfigureAwait(false);

        // Committed: now the live stream, the dispatcher and the counters may know.
        foreach (var notice in notices)
        {
            stream.Publish(notice);
            metrics.EventReceived(notice.Trigger);
            if (notice.Alert is { State: AlertStates.Opened or AlertStates.Cleared } alert)
            {
                metrics.AlertChanged(alert.State == AlertStates.Opened);
            }
        }

        webhooks.Wake();
        return new NotifyEventResponse();
    }

    /// <summary>
    /// N07: what an Alerting event does to the alert of its station, component, variable and monitor: opens one when none
    /// is open, is another event of the open one, or (cleared) clears it. Delta and Periodic events are changes and
    /// samples, not problems: they have no alert.
    /// </summary>
    private static async Task<EventAlert?> AlertAsync(CsmsDbContext db, EventRecord e)
    {
        if (e.Trigger != "Alerting")
        {
            return null;
        }

        var open = await db.Alerts
            .Where(a => a.StationId == e.StationId && a.Open && a.ComponentName == e.ComponentName && a.ComponentInstance == e.ComponentInstance
                && a.EvseId == e.EvseId && a.ConnectorId == e.ConnectorId && a.VariableName == e.VariableName && a.VariableInstance == e.VariableInstance
                && a.VariableMonitoringId == e.VariableMonitoringId)
            .OrderByDescending(a => a.Id).FirstOrDefaultAsync().ConfigureAwait(false);
        if (open is { Open: true })
        {
            open.EventCount++;
            open.LastEventAt = e.Timestamp;
            open.LastValue = e.ActualValue;
            open.TechCode = e.TechCode ?? open.TechCode;
            open.TechInfo = e.TechInfo ?? open.TechInfo;
            if (e.Cleared)
            {
                open.Open = false;
                open.ClearedAt = e.Timestamp;
                open.ClearedByEventId = e.Id;
            }

            return new EventAlert(open.Id, e.Cleared ? AlertStates.Cleared : AlertStates.Ongoing);
        }

        if (e.Cleared)
        {
            return null; // nothing open to clear (opened before the CSMS knew the station, say)
        }

        var alert = new AlertRecord
        {
            StationId = e.StationId,
            ComponentName = e.ComponentName,
            ComponentInstance = e.ComponentInstance,
            EvseId = e.EvseId,
            ConnectorId = e.ConnectorId,
            VariableName = e.VariableName,
            VariableInstance = e.VariableInstance,
            VariableMonitoringId = e.VariableMonitoringId,
            Severity = e.Severity,
            OpenedAt = e.Timestamp,
            OpenedByEventId = e.Id,
            LastEventAt = e.Timestamp,
            LastValue = e.ActualValue,
            TechCode = e.TechCode,
            TechInfo = e.TechInfo,
            EventCount = 1,
            Open = true,
        };
        alert.Id = await db.Statements<AlertRecord>().InsertAsync(alert).ConfigureAwait(false);
        return new EventAlert(alert.Id, AlertStates.Opened);
    }

    /// <summary>Whether the event is a connector's AvailabilityState with a status value (Connector component, EVSE and connector named).</summary>
    internal static bool IsConnectorAvailability(EventDataType e) =>
        e.Component.Name == "Connector" && e.Component.Evse is { ConnectorId: not null }
        && e.Variable.Name == "AvailabilityState" && ConnectorStates.Contains(e.ActualValue);

    private static EventRecord Record(string stationId, long reportId, EventDataType e, DateTimeOffset now) => new()
    {
        StationId = stationId,
        EventReportId = reportId,
        EventId = e.EventId,
        Timestamp = e.Timestamp.ToUniversalTime(),
        Trigger = e.Trigger.ToWire(),
        Cause = e.Cause,
        ActualValue = e.ActualValue,
        TechCode = e.TechCode,
        TechInfo = e.TechInfo,
        Cleared = e.Cleared ?? false,
        TransactionId = e.TransactionId,
        VariableMonitoringId = e.VariableMonitoringId,
        EventNotificationType = e.EventNotificationType.ToWire(),
        ComponentName = e.Component.Name,
        ComponentInstance = e.Component.Instance,
        EvseId = e.Component.Evse?.Id,
        ConnectorId = e.Component.Evse?.ConnectorId,
        VariableName = e.Variable.Name,
        VariableInstance = e.Variable.Instance,
        ReceivedAt = now,
    };
}
