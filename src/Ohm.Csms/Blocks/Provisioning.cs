using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block B, Provisioning, on the CSMS side: boot, the stored device model, variables, reports and reset.</summary>
public sealed class Provisioning(CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, CsmsOptions options, TimeProvider time, ILogger<Provisioning> logger, LocalListDriver? localLists = null, Firmware? firmware = null, Events.IFleetChanges? changes = null)
{
    private int _lastRequestId = Environment.TickCount & 0x3FFFFFFF;

    // B01 Cold Boot (Accepted), B02 (Pending), B03 (Rejected): the station's boot policy decides.
    public async ValueTask<BootNotificationResponse> BootNotificationAsync(BootNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var session = StationSessions.Of(context.Connection);
        var now = time.GetUtcNow();
        var status = await writer.ExecuteForStationAsync(context.StationId, async db =>
        {
            var stored = await CompiledQueries.FindStation(db, context.StationId).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Station {context.StationId} is connected but not registered.");
            var station = stored.Clone();
            var cs = request.ChargingStation;
            station.VendorName = cs.VendorName;
            station.Model = cs.Model;
            station.SerialNumber = cs.SerialNumber;
            station.FirmwareVersion = cs.FirmwareVersion;
            station.ModemIccid = cs.Modem?.Iccid;
            station.ModemImsi = cs.Modem?.Imsi;
            station.LastBootReason = request.Reason.ToWire();
            station.LastBootAt = now;
            station.LastSeenAt = now;
            station.RegistrationStatus = station.BootPolicy;

            // Written without change tracking: every station of a fleet boots at once after an outage.
            // Not the connection's token: the statement runs in a batch shared with other stations.
            await db.Statements<StationRecord>().UpdateAsync(stored, station, station.Id, CancellationToken.None).ConfigureAwait(false);
            return station.BootPolicy;
        }, cancellationToken).ConfigureAwait(false);

        session.RegistrationStatus = status.ToWire();
        session.LastSeenAt = now;
        changes?.Publish(new Events.FleetChange(Events.FleetChangeKind.Booted, context.StationId, now, Status: status.ToWire()));
        if (status == RegistrationStatusEnumType.Accepted)
        {
            localLists?.Connected(context.StationId); // D01, D02: what is pending for its local list
            if (firmware is not null)
            {
                await firmware.StationBootedAsync(context.StationId, request.Reason, request.ChargingStation.FirmwareVersion, cancellationToken).ConfigureAwait(false); // L01: the boot on the new version
            }
        }

        logger.LogInformation("{StationId} booted ({Reason}): {Vendor} {Model}; answered {Status}", context.StationId, request.Reason.ToWire(), request.ChargingStation.VendorName, request.ChargingStation.Model, status.ToWire());
        return new BootNotificationResponse
        {
            CurrentTime = now,
            Interval = status == RegistrationStatusEnumType.Accepted ? options.HeartbeatInterval : options.BootRetryInterval,
            Status = status,
        };
    }

    // B07 Get Base Report, B08 Get Custom Report: each NotifyReport part is stored as it arrives.
    public async ValueTask<NotifyReportResponse> NotifyReportAsync(NotifyReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        await writer.ExecuteForStationAsync(context.StationId, async db =>
        {
            var report = await db.Reports.Where(r => r.StationId == context.StationId && r.RequestId == request.RequestId && !r.Complete)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync().ConfigureAwait(false);
            if (report is null)
            {
                report = new ReportRecord { StationId = context.StationId, RequestId = request.RequestId, StartedAt = now };
                db.Reports.Add(report);
            }

            report.PartsReceived++;
            report.LastSeqNo = Math.Max(report.LastSeqNo, request.SeqNo);
            report.VariablesReported += request.ReportData?.Count ?? 0;
            if (request.Tbc != true)
            {
                report.Complete = true;
                report.CompletedAt = now;
            }

            if (request.ReportData is { Count: > 0 } data)
            {
                await DeviceModelStore.UpsertAsync(db, context.StationId, data, now).ConfigureAwait(false);
            }
        }, request.ReportData?.Count ?? 1, cancellationToken).ConfigureAwait(false);
        return new NotifyReportResponse();
    }

    // B05 Set Variables: split per ItemsPerMessageSetVariables/BytesPerMessageSetVariables, merged, accepted values stored.
    public Task<SetVariablesResponse> SetVariablesAsync(string stationId, IReadOnlyList<SetVariableDataType> data, CancellationToken cancellationToken) =>
        SetVariablesAsync(stationId, new SetVariablesRequest { SetVariableData = [.. data] }, cancellationToken);

    // B05 Set Variables, the request as given: each part carries its customData.
    public async Task<SetVariablesResponse> SetVariablesAsync(string stationId, SetVariablesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = request.SetVariableData;
        var limits = await MessageLimitsAsync(stationId, "SetVariables", cancellationToken).ConfigureAwait(false);
        var results = new List<SetVariableResultType>(data.Count);
        try
        {
            foreach (var chunk in MessageSplitter.Split(data, OcppJsonContext.Default.SetVariableDataType, limits.Items, limits.Bytes, "SetVariables", "setVariableData"))
            {
                var response = await router.CallAsync(stationId, new SetVariablesRequest { SetVariableData = chunk, CustomData = request.CustomData }, cancellationToken).ConfigureAwait(false);
                results.AddRange(response.SetVariableResult);
            }
        }
        finally
        {
            // Also when a later part fails, or the caller gave up: the station has applied what it accepted in the
            // earlier parts, so the stored model must say so.
            var accepted = results.Where(r => r.AttributeStatus == SetVariableStatusEnumType.Accepted).ToList();
            if (accepted.Count > 0)
            {
                await writer.ExecuteForStationAsync(stationId, db => DeviceModelStore.ApplySetAsync(db, stationId, data, accepted, time.GetUtcNow()), accepted.Count, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new SetVariablesResponse { SetVariableResult = results };
    }

    // B06 Get Variables: split per ItemsPerMessageGetVariables/BytesPerMessageGetVariables and merged.
    public Task<GetVariablesResponse> GetVariablesAsync(string stationId, IReadOnlyList<GetVariableDataType> data, CancellationToken cancellationToken) =>
        GetVariablesAsync(stationId, new GetVariablesRequest { GetVariableData = [.. data] }, cancellationToken);

    // B06 Get Variables, the request as given: each part carries its customData.
    public async Task<GetVariablesResponse> GetVariablesAsync(string stationId, GetVariablesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = request.GetVariableData;
        var limits = await MessageLimitsAsync(stationId, "GetVariables", cancellationToken).ConfigureAwait(false);
        var results = new List<GetVariableResultType>(data.Count);
        foreach (var chunk in MessageSplitter.Split(data, OcppJsonContext.Default.GetVariableDataType, limits.Items, limits.Bytes, "GetVariables", "getVariableData"))
        {
            var response = await router.CallAsync(stationId, new GetVariablesRequest { GetVariableData = chunk, CustomData = request.CustomData }, cancellationToken).ConfigureAwait(false);
            results.AddRange(response.GetVariableResult);
        }

        return new GetVariablesResponse { GetVariableResult = results };
    }

    // B07 Get Base Report
    public async Task<(int RequestId, GenericDeviceModelStatusEnumType Status)> GetBaseReportAsync(string stationId, ReportBaseEnumType reportBase, CancellationToken cancellationToken)
    {
        var requestId = NextRequestId();
        var response = await GetBaseReportAsync(stationId, new GetBaseReportRequest { RequestId = requestId, ReportBase = reportBase }, cancellationToken).ConfigureAwait(false);
        return (requestId, response.Status);
    }

    // B07 Get Base Report, the request as given (its requestId names the NotifyReport parts).
    public Task<GetBaseReportResponse> GetBaseReportAsync(string stationId, GetBaseReportRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    // B08 Get Custom Report
    public async Task<(int RequestId, GenericDeviceModelStatusEnumType Status)> GetReportAsync(
        string stationId, List<ComponentCriterionEnumType>? criteria, List<ComponentVariableType>? componentVariables, CancellationToken cancellationToken)
    {
        var requestId = NextRequestId();
        var response = await GetReportAsync(
            stationId,
            new GetReportRequest { RequestId = requestId, ComponentCriteria = criteria, ComponentVariable = componentVariables },
            cancellationToken).ConfigureAwait(false);
        return (requestId, response.Status);
    }

    // B08 Get Custom Report, the request as given.
    public Task<GetReportResponse> GetReportAsync(string stationId, GetReportRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    // B11 Reset - Without Ongoing Transaction, B12 Reset - With Ongoing Transaction (station-wide or one EVSE).
    public Task<ResetResponse> ResetAsync(string stationId, ResetEnumType type, int? evseId, CancellationToken cancellationToken) =>
        ResetAsync(stationId, new ResetRequest { Type = type, EvseId = evseId }, cancellationToken);

    // B11, B12 Reset, the request as given (customData kept).
    public Task<ResetResponse> ResetAsync(string stationId, ResetRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);

    /// <summary>A request id for a report, unique in this process.</summary>
    public int NextRequestId() => Interlocked.Increment(ref _lastRequestId) & 0x7FFFFFFF;

    /// <summary>
    /// The limits of one request type ("GetVariables" or "SetVariables"): the operator's (per station, through the API)
    /// win; otherwise the station's DeviceDataCtrlr ItemsPerMessage/BytesPerMessage from the stored device model; when
    /// neither is known, they are read from the station once (GetVariables) and stored in the device model.
    /// </summary>
    private async Task<(int? Items, int? Bytes)> MessageLimitsAsync(string stationId, string instance, CancellationToken cancellationToken)
    {
        StationMessageLimitsRecord? set;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            set = await db.StationMessageLimits.AsNoTracking().FirstOrDefaultAsync(l => l.StationId == stationId, cancellationToken).ConfigureAwait(false);
        }

        var (items, bytes) = instance == "GetVariables"
            ? (set?.GetVariablesItemsPerMessage, set?.GetVariablesBytesPerMessage)
            : (set?.SetVariablesItemsPerMessage, set?.SetVariablesBytesPerMessage);
        if (items is not null && bytes is not null)
        {
            return (items, bytes);
        }

        var reported = await ReportedLimitsAsync(stationId, instance, cancellationToken).ConfigureAwait(false);
        if (reported.Items is null && reported.Bytes is null && set?.ReadFromStationAt is null)
        {
            await ReadLimitsFromStationAsync(stationId, cancellationToken).ConfigureAwait(false);
            reported = await ReportedLimitsAsync(stationId, instance, cancellationToken).ConfigureAwait(false);
        }

        return (items ?? reported.Items, bytes ?? reported.Bytes);
    }

    /// <summary>The station's own limits of one request type, from its stored device model (NotifyReport or read by the CSMS).</summary>
    public async Task<(int? Items, int? Bytes)> ReportedLimitsAsync(string stationId, string instance, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        return await DeviceModelStore.MessageLimitsAsync(db, stationId, "DeviceDataCtrlr", instance, cancellationToken).ConfigureAwait(false);
    }

    // B06 Get Variables of DeviceDataCtrlr ItemsPerMessage/BytesPerMessage (instances GetVariables, SetVariables), one
    // small request per instance, so that it fits whatever the limits are; what the station reports is stored.
    private async Task ReadLimitsFromStationAsync(string stationId, CancellationToken cancellationToken)
    {
        var found = new List<ReportDataType>();
        foreach (var instance in (string[])["GetVariables", "SetVariables"])
        {
            found.AddRange(await MessageLimitsQuery.AskAsync(router, stationId, "DeviceDataCtrlr", instance, logger, cancellationToken).ConfigureAwait(false));
        }

        var now = time.GetUtcNow();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            if (found.Count > 0)
            {
                await DeviceModelStore.UpsertAsync(db, stationId, found, now).ConfigureAwait(false);
            }

            var limits = await db.StationMessageLimits.FindAsync(stationId).ConfigureAwait(false);
            if (limits is null)
            {
                limits = new StationMessageLimitsRecord { StationId = stationId };
                db.StationMessageLimits.Add(limits);
            }

            limits.ReadFromStationAt = now;
            limits.UpdatedAt = now;
        }, cancellationToken).ConfigureAwait(false);
    }
}
