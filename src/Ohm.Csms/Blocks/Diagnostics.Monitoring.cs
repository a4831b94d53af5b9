using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block N's monitoring on the CSMS side (N02-N06): SetVariableMonitoring, ClearVariableMonitoring (both split by the
/// station's MonitoringCtrlr ItemsPerMessage/BytesPerMessage), SetMonitoringBase, SetMonitoringLevel and
/// GetMonitoringReport with its NotifyMonitoringReport parts assembled.
/// </summary>
/// <remarks>
/// <para>The stored monitors of a station (<see cref="MonitorRecord"/>) are what it last reported or accepted, by the id it gave:</para>
/// <list type="bullet">
/// <item>SetVariableMonitoring: each result Accepted stores the monitor under the id the station answered (adding it or
/// replacing the one of that id, N04); any other result changes nothing.</item>
/// <item>ClearVariableMonitoring: Accepted or NotFound removes the monitor (NotFound: the station does not hold it, so the
/// CSMS must not either); Rejected keeps it (N05).</item>
/// <item>Each NotifyMonitoringReport part stores the monitors it names. The last part of a report the CSMS asked for
/// removes every stored monitor that matches the report's criteria and components and that no part named: an
/// unfiltered report replaces the set (N02). GetMonitoringReport answered EmptyResultSet removes what matches.</item>
/// <item>SetMonitoringBase Accepted (N03) changes which monitors are active in ways the CSMS cannot know, so it asks for
/// an unfiltered report at once and stores what the station reports.</item>
/// </list>
/// </remarks>
public sealed partial class Diagnostics
{
    /// <summary>Where a stored monitor came from.</summary>
    public const string MonitorFromSet = "Set";

    /// <summary>Where a stored monitor came from.</summary>
    public const string MonitorFromReport = "Report";

    private readonly ConcurrentDictionary<(string StationId, int RequestId), TaskCompletionSource<MonitoringReportRecord>> _monitoringReports = new();
    private readonly ConcurrentDictionary<(string StationId, string Instance), bool> _limitsRead = new();
    private int _lastMonitoringRequestId = (Environment.TickCount & 0x3FFFFFFF) ^ 0x3C3C3;

    /// <summary>What a monitoring report gave: the station's answer and the monitors it reported (those stored that match it, once complete).</summary>
    public sealed record MonitoringReport(int RequestId, GenericDeviceModelStatusEnumType Status, StatusInfoType? StatusInfo, bool Complete, IReadOnlyList<MonitorRecord> Monitors);

    /// <summary>A request id for a GetMonitoringReport, unique in this process.</summary>
    public int NextMonitoringRequestId() => Interlocked.Increment(ref _lastMonitoringRequestId) & 0x7FFFFFFF;

    // N04 Set Variable Monitoring: split per MonitoringCtrlr ItemsPerMessage/BytesPerMessage SetVariableMonitoring; accepted monitors stored by the station's id.
    public async Task<SetVariableMonitoringResponse> SetVariableMonitoringAsync(string stationId, SetVariableMonitoringRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var data = request.SetMonitoringData;
        var limits = await MonitoringLimitsAsync(stationId, "SetVariableMonitoring", cancellationToken).ConfigureAwait(false);
        var results = new List<SetMonitoringResultType>(data.Count);
        var accepted = new List<(SetMonitoringDataType Asked, SetMonitoringResultType Result)>();
        try
        {
            foreach (var chunk in MessageSplitter.Split(data, OcppJsonContext.Default.SetMonitoringDataType, limits.Items, limits.Bytes, "SetVariableMonitoring", "setMonitoringData"))
            {
                var response = await router.CallAsync(stationId, new SetVariableMonitoringRequest { SetMonitoringData = chunk, CustomData = request.CustomData }, cancellationToken).ConfigureAwait(false);
                results.AddRange(response.SetMonitoringResult);

                // The results answer the items in order (N04.FR.06 and the message's definition); a station that answers
                // fewer leaves the rest unknown.
                for (var i = 0; i < Math.Min(chunk.Count, response.SetMonitoringResult.Count); i++)
                {
                    if (response.SetMonitoringResult[i] is { Status: SetMonitoringStatusEnumType.Accepted, Id: not null } result)
                    {
                        accepted.Add((chunk[i], result));
                    }
                }
            }
        }
        finally
        {
            // Also when a later part failed: what the station accepted in the earlier parts it holds.
            if (accepted.Count > 0)
            {
                var now = time.GetUtcNow();
                await writer.ExecuteForStationAsync(stationId, db => UpsertMonitorsAsync(db, stationId, accepted.Select(a => Monitor(stationId, a.Asked, a.Result, now)).ToList(), null), accepted.Count, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new SetVariableMonitoringResponse { SetMonitoringResult = results };
    }

    // N05 Clear Variable Monitoring: split per MonitoringCtrlr ItemsPerMessage/BytesPerMessage ClearVariableMonitoring; Accepted and NotFound remove the stored monitor.
    public async Task<ClearVariableMonitoringResponse> ClearVariableMonitoringAsync(string stationId, ClearVariableMonitoringRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limits = await MonitoringLimitsAsync(stationId, "ClearVariableMonitoring", cancellationToken).ConfigureAwait(false);
        var results = new List<ClearMonitoringResultType>(request.Id.Count);
        try
        {
            foreach (var chunk in MessageSplitter.Split(request.Id, OcppJsonContext.Default.Int32, limits.Items, limits.Bytes, "ClearVariableMonitoring", "id"))
            {
                var response = await router.CallAsync(stationId, new ClearVariableMonitoringRequest { Id = chunk, CustomData = request.CustomData }, cancellationToken).ConfigureAwait(false);
                results.AddRange(response.ClearMonitoringResult);
            }
        }
        finally
        {
            var gone = results.Where(r => r.Status is ClearMonitoringStatusEnumType.Accepted or ClearMonitoringStatusEnumType.NotFound).Select(r => r.Id).ToList();
            if (gone.Count > 0)
            {
                await writer.ExecuteForStationAsync(stationId, async db =>
                    db.Monitors.RemoveRange(await db.Monitors.Where(m => m.StationId == stationId && gone.Contains(m.MonitorId)).ToListAsync().ConfigureAwait(false)), CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new ClearVariableMonitoringResponse { ClearMonitoringResult = results };
    }

    // N03 Set Monitoring Base: Accepted is stored as MonitoringCtrlr ActiveMonitoringBase, and the monitors are asked for again (N02).
    public async Task<(SetMonitoringBaseResponse Response, MonitoringReport? Report)> SetMonitoringBaseAsync(string stationId, SetMonitoringBaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        if (response.Status != GenericDeviceModelStatusEnumType.Accepted)
        {
            return (response, null);
        }

        await StoreMonitoringCtrlrAsync(stationId, "ActiveMonitoringBase", request.MonitoringBase.ToWire()).ConfigureAwait(false);
        var report = await GetMonitoringReportAsync(stationId, new GetMonitoringReportRequest { RequestId = NextMonitoringRequestId() }, cancellationToken).ConfigureAwait(false);
        return (response, report);
    }

    // N06 Set Monitoring Level: Accepted is stored as MonitoringCtrlr ActiveMonitoringLevel.
    public async Task<SetMonitoringLevelResponse> SetMonitoringLevelAsync(string stationId, SetMonitoringLevelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        if (response.Status == GenericStatusEnumType.Accepted)
        {
            await StoreMonitoringCtrlrAsync(stationId, "ActiveMonitoringLevel", request.Severity.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        }

        return response;
    }

    // N02 Get Monitoring Report: sends GetMonitoringReport (criteria, components) and waits for the last NotifyMonitoringReport part.
    /// <summary>
    /// Asks the station for its monitors matching the request's criteria and components, and waits (until
    /// <paramref name="cancellationToken"/>) for the last part; the parts are stored as they arrive.
    /// </summary>
    public async Task<MonitoringReport> GetMonitoringReportAsync(string stationId, GetMonitoringReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = (stationId, request.RequestId);
        var done = new TaskCompletionSource<MonitoringReportRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        _monitoringReports[key] = done;
        try
        {
            var now = time.GetUtcNow();
            var record = new MonitoringReportRecord
            {
                StationId = stationId,
                RequestId = request.RequestId,
                Requested = true,
                Criteria = request.MonitoringCriteria is { Count: > 0 } c ? string.Join(',', c.Select(x => x.ToWire())) : null,
                ComponentVariables = request.ComponentVariable is { Count: > 0 } cv ? JsonSerializer.Serialize(cv, OcppJsonContext.Default.ListComponentVariableType) : null,
                StartedAt = now,
            };
            await writer.ExecuteForStationAsync(stationId, db =>
            {
                db.MonitoringReports.Add(record);
                return Task.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);

            var response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
            var filter = MonitorFilter.Of(record);
            var empty = response.Status == GenericDeviceModelStatusEnumType.EmptyResultSet;
            await writer.ExecuteForStationAsync(stationId, async db =>
            {
                var stored = await db.MonitoringReports.FindAsync(record.Id).ConfigureAwait(false);
                if (stored is null)
                {
                    return;
                }

                stored.Status = response.Status.ToWire();
                if (empty)
                {
                    // N02: the station holds no monitor that matches, so neither does the CSMS.
                    stored.Complete = true;
                    stored.CompletedAt = time.GetUtcNow();
                    var matching = await db.Monitors.Where(m => m.StationId == stationId).ToListAsync().ConfigureAwait(false);
                    db.Monitors.RemoveRange(matching.Where(filter.Matches));
                }
            }, CancellationToken.None).ConfigureAwait(false);
            if (response.Status != GenericDeviceModelStatusEnumType.Accepted)
            {
                return new MonitoringReport(request.RequestId, response.Status, response.StatusInfo, empty, []);
            }

            var complete = await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new MonitoringReport(request.RequestId, response.Status, response.StatusInfo, true, await StoredMonitorsAsync(stationId, MonitorFilter.Of(complete), cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _monitoringReports.TryRemove(new KeyValuePair<(string, int), TaskCompletionSource<MonitoringReportRecord>>(key, done));
        }
    }

    // N02 Get Monitoring report: each NotifyMonitoringReport part is stored; the last of a report asked for removes what it no longer holds.
    public async ValueTask<NotifyMonitoringReportResponse> NotifyMonitoringReportAsync(NotifyMonitoringReportRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var stationId = context.StationId;
        var now = time.GetUtcNow();
        var part = request.Monitor ?? [];
        var count = part.Sum(m => m.VariableMonitoring.Count);
        var completed = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var report = await db.MonitoringReports.Where(r => r.StationId == stationId && r.RequestId == request.RequestId && !r.Complete)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync().ConfigureAwait(false);
            if (report is null)
            {
                // A report the CSMS did not ask for (or no longer waits for): stored, nothing removed.
                report = new MonitoringReportRecord { StationId = stationId, RequestId = request.RequestId, StartedAt = now };
                report.Id = await db.Statements<MonitoringReportRecord>().InsertAsync(report).ConfigureAwait(false);
                report = await db.MonitoringReports.FindAsync(report.Id).ConfigureAwait(false) ?? report;
            }

            report.PartsReceived++;
            report.LastSeqNo = Math.Max(report.LastSeqNo, request.SeqNo);
            report.MonitorsReported += count;
            var monitors = part.SelectMany(d => d.VariableMonitoring.Select(v => Monitor(stationId, d.Component, d.Variable, v, now))).ToList();
            await UpsertMonitorsAsync(db, stationId, monitors, report.Id).ConfigureAwait(false);
            if (request.Tbc == true)
            {
                return null;
            }

            report.Complete = true;
            report.CompletedAt = now;
            if (report.Requested)
            {
                var filter = MonitorFilter.Of(report);
                var reported = monitors.Select(m => m.MonitorId).ToHashSet();
                var stale = await db.Monitors.Where(m => m.StationId == stationId && (m.ReportId == null || m.ReportId != report.Id)).ToListAsync().ConfigureAwait(false);
                db.Monitors.RemoveRange(stale.Where(m => !reported.Contains(m.MonitorId) && filter.Matches(m)));
            }

            return report;
        }, Math.Max(1, count), cancellationToken).ConfigureAwait(false);

        if (completed is not null)
        {
            if (_monitoringReports.TryGetValue((stationId, request.RequestId), out var done))
            {
                done.TrySetResult(completed);
            }
            else
            {
                // Another node may wait for it (its API asked): it reads the stored report. Only what it needs goes.
                relay?.Relay(OcppActions.NotifyMonitoringReport.Name, stationId, JsonSerializer.Serialize(
                    new NotifyMonitoringReportRequest { RequestId = request.RequestId, SeqNo = request.SeqNo, GeneratedAt = request.GeneratedAt },
                    OcppJsonContext.Default.NotifyMonitoringReportRequest));
                logger.LogDebug("{StationId} completed monitoring report {RequestId}, which this node is not waiting for", stationId, request.RequestId);
            }
        }

        return new NotifyMonitoringReportResponse();
    }

    /// <summary>
    /// Another node stored the last part of a monitoring report (see <see cref="IReportRelay"/>): a wait for it on this
    /// node ends with the stored report.
    /// </summary>
    public async Task RelayedMonitoringReportAsync(string stationId, int requestId, CancellationToken cancellationToken)
    {
        if (!_monitoringReports.TryGetValue((stationId, requestId), out var done))
        {
            return;
        }

        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            if (await db.MonitoringReports.AsNoTracking().Where(r => r.StationId == stationId && r.RequestId == requestId && r.Complete)
                .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false) is { } report)
            {
                done.TrySetResult(report);
            }
        }
    }

    /// <summary>The stored monitors of a station that match <paramref name="filter"/>, by id.</summary>
    public async Task<List<MonitorRecord>> StoredMonitorsAsync(string stationId, MonitorFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var all = await db.Monitors.AsNoTracking().Where(m => m.StationId == stationId).OrderBy(m => m.MonitorId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. all.Where(filter.Matches)];
    }

    private static MonitorRecord Monitor(string stationId, SetMonitoringDataType asked, SetMonitoringResultType result, DateTimeOffset now) => new()
    {
        StationId = stationId,
        MonitorId = result.Id!.Value,
        ComponentName = asked.Component.Name,
        ComponentInstance = asked.Component.Instance,
        EvseId = asked.Component.Evse?.Id,
        ConnectorId = asked.Component.Evse?.ConnectorId,
        VariableName = asked.Variable.Name,
        VariableInstance = asked.Variable.Instance,
        Type = asked.Type.ToWire(),
        Value = asked.Value,
        Severity = asked.Severity,
        Transaction = asked.Transaction ?? false,
        Source = MonitorFromSet,
        UpdatedAt = now,
    };

    private static MonitorRecord Monitor(string stationId, ComponentType component, VariableType variable, VariableMonitoringType v, DateTimeOffset now) => new()
    {
        StationId = stationId,
        MonitorId = v.Id,
        ComponentName = component.Name,
        ComponentInstance = component.Instance,
        EvseId = component.Evse?.Id,
        ConnectorId = component.Evse?.ConnectorId,
        VariableName = variable.Name,
        VariableInstance = variable.Instance,
        Type = v.Type.ToWire(),
        Value = v.Value,
        Severity = v.Severity,
        Transaction = v.Transaction,
        Source = MonitorFromReport,
        UpdatedAt = now,
    };

    /// <summary>Stores monitors by the station's id, adding or replacing; <paramref name="reportId"/> marks them as named by that report.</summary>
    private static async Task UpsertMonitorsAsync(CsmsDbContext db, string stationId, List<MonitorRecord> monitors, long? reportId)
    {
        if (monitors.Count == 0)
        {
            return;
        }

        var ids = monitors.Select(m => m.MonitorId).Distinct().ToList();
        var stored = await db.Monitors.Where(m => m.StationId == stationId && ids.Contains(m.MonitorId)).ToDictionaryAsync(m => m.MonitorId).ConfigureAwait(false);
        foreach (var m in monitors)
        {
            if (!stored.TryGetValue(m.MonitorId, out var record))
            {
                record = m;
                db.Monitors.Add(record);
                stored[m.MonitorId] = record;
            }

            record.ComponentName = m.ComponentName;
            record.ComponentInstance = m.ComponentInstance;
            record.EvseId = m.EvseId;
            record.ConnectorId = m.ConnectorId;
            record.VariableName = m.VariableName;
            record.VariableInstance = m.VariableInstance;
            record.Type = m.Type;
            record.Value = m.Value;
            record.Severity = m.Severity;
            record.Transaction = m.Transaction;
            record.Source = m.Source;
            record.ReportId = reportId;
            record.UpdatedAt = m.UpdatedAt;
        }
    }

    private Task StoreMonitoringCtrlrAsync(string stationId, string variable, string value) =>
        writer.ExecuteForStationAsync(
            stationId,
            db => DeviceModelStore.UpsertAsync(
                db, stationId,
                [new ReportDataType { Component = new ComponentType { Name = "MonitoringCtrlr" }, Variable = new VariableType { Name = variable }, VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = value }] }],
                time.GetUtcNow()),
            CancellationToken.None);

    /// <summary>
    /// The station's MonitoringCtrlr ItemsPerMessage/BytesPerMessage of one request (SetVariableMonitoring or
    /// ClearVariableMonitoring) from its stored device model; when neither is stored, read from the station once (B06)
    /// and stored.
    /// </summary>
    private async Task<(int? Items, int? Bytes)> MonitoringLimitsAsync(string stationId, string instance, CancellationToken cancellationToken)
    {
        (int? Items, int? Bytes) limits;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            limits = await DeviceModelStore.MessageLimitsAsync(db, stationId, "MonitoringCtrlr", instance, cancellationToken).ConfigureAwait(false);
        }

        if (limits.Items is not null || limits.Bytes is not null || !_limitsRead.TryAdd((stationId, instance), true))
        {
            return limits;
        }

        var found = await MessageLimitsQuery.AskAsync(router, stationId, "MonitoringCtrlr", instance, logger, cancellationToken).ConfigureAwait(false);
        if (found.Count == 0)
        {
            return limits;
        }

        await writer.ExecuteForStationAsync(stationId, w => DeviceModelStore.UpsertAsync(w, stationId, found, time.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await DeviceModelStore.MessageLimitsAsync(db, stationId, "MonitoringCtrlr", instance, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>
/// Which monitors a GetMonitoringReport asks for (N02): those of the given types (monitoringCriteria: ThresholdMonitoring
/// is UpperThreshold and LowerThreshold, DeltaMonitoring is Delta, PeriodicMonitoring is Periodic and
/// PeriodicClockAligned) on the given components and variables; each left out matches all, and both must hold.
/// </summary>
public sealed record MonitorFilter(IReadOnlyList<MonitoringCriterionEnumType>? Criteria, IReadOnlyList<ComponentVariableType>? Components)
{
    /// <summary>Every monitor.</summary>
    public static readonly MonitorFilter All = new(null, null);

    /// <summary>The filter a stored report was asked with.</summary>
    public static MonitorFilter Of(MonitoringReportRecord report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var criteria = report.Criteria?.Split(',').Select(MonitoringCriterionEnumTypeSchema.FromWire).ToList();
        var components = report.ComponentVariables is { } json ? JsonSerializer.Deserialize(json, OcppJsonContext.Default.ListComponentVariableType) : null;
        return new MonitorFilter(criteria, components);
    }

    /// <summary>Whether a stored monitor matches.</summary>
    public bool Matches(MonitorRecord monitor)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (Criteria is { Count: > 0 } criteria && !criteria.Any(c => c switch
        {
            MonitoringCriterionEnumType.ThresholdMonitoring => monitor.Type is "UpperThreshold" or "LowerThreshold",
            MonitoringCriterionEnumType.DeltaMonitoring => monitor.Type == "Delta",
            _ => monitor.Type is "Periodic" or "PeriodicClockAligned",
        }))
        {
            return false;
        }

        return Components is not { Count: > 0 } components || components.Any(cv =>
            cv.Component.Name == monitor.ComponentName
            && (cv.Component.Instance is null || cv.Component.Instance == monitor.ComponentInstance)
            && (cv.Component.Evse is null || (cv.Component.Evse.Id == monitor.EvseId && (cv.Component.Evse.ConnectorId is null || cv.Component.Evse.ConnectorId == monitor.ConnectorId)))
            && (cv.Variable is null || (cv.Variable.Name == monitor.VariableName && (cv.Variable.Instance is null || cv.Variable.Instance == monitor.VariableInstance))));
    }
}
