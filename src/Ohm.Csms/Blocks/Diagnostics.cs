using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block N, Diagnostics, on the CSMS side: events (NotifyEvent) are stored one row each and a connector's
/// AvailabilityState event updates its status as a StatusNotification does; monitoring reports and customer
/// information are stored as received (N01 log status is <see cref="LogRetrieval"/>'s).
/// </summary>
public sealed class Diagnostics(CsmsWriter writer, StationMessageStore messages, TimeProvider time)
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
        await writer.ExecuteForStationAsync(stationId, async db =>
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

            foreach (var e in request.EventData)
            {
                await db.Statements<EventRecord>().InsertAsync(Record(stationId, report.Id, e, now), cancellationToken).ConfigureAwait(false);
            }

            foreach (var e in request.EventData.Where(IsConnectorAvailability).OrderBy(e => e.Timestamp))
            {
                await Availability.ApplyStatusAsync(db, stationId, e.Component.Evse!.Id, e.Component.Evse.ConnectorId!.Value, e.ActualValue, e.Timestamp.ToUniversalTime(), now).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return new NotifyEventResponse();
    }

    // N02 Get Monitoring report: each NotifyMonitoringReport part is stored.
    public async ValueTask<NotifyMonitoringReportResponse> NotifyMonitoringReportAsync(NotifyMonitoringReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyMonitoringReportResponse();
    }

    // N09 Get Customer Information, N10 Clear Customer Information: each NotifyCustomerInformation part is stored.
    public async ValueTask<NotifyCustomerInformationResponse> NotifyCustomerInformationAsync(NotifyCustomerInformationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyCustomerInformationResponse();
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
