using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block N's monitoring (N02-N06): the commands that set, clear and report monitors, the monitoring base and level,
/// and the list of the monitors a station holds, as it last reported or accepted them, by the ids it gave.
/// </summary>
internal static class MonitoringApi
{
    private static readonly string[] Types = ["UpperThreshold", "LowerThreshold", "Delta", "Periodic", "PeriodicClockAligned"];

    public static void Map(RouteGroupBuilder api)
    {
        var commands = api.MapGroup("/stations/{stationId}/commands").WithTags("Monitoring");
        commands.MapCommand<SetVariableMonitoringRequest, SetVariableMonitoringResponse>(
            "/set-variable-monitoring", OcppActions.SetVariableMonitoring,
            "N04 Set variable monitoring (thresholds, delta, periodic; severity; transaction-only), split by the station's MonitoringCtrlr ItemsPerMessage/BytesPerMessage",
            (s, id, r, t) => s.GetRequiredService<Diagnostics>().SetVariableMonitoringAsync(id, r, t))
            .WithDescription("Each monitor the station answers Accepted is stored under the id it answered (adding or replacing the one of that id).");
        commands.MapCommand<ClearVariableMonitoringRequest, ClearVariableMonitoringResponse>(
            "/clear-variable-monitoring", OcppActions.ClearVariableMonitoring,
            "N05 Clear variable monitoring by id, split by the station's MonitoringCtrlr ItemsPerMessage/BytesPerMessage",
            (s, id, r, t) => s.GetRequiredService<Diagnostics>().ClearVariableMonitoringAsync(id, r, t))
            .WithDescription("Accepted and NotFound remove the stored monitor; Rejected keeps it.");
        commands.MapCommand<SetMonitoringBaseRequest, MonitoringBaseView>(
            "/set-monitoring-base", OcppActions.SetMonitoringBase, "N03 Set monitoring base (All, FactoryDefault, HardWiredOnly), then report the monitors again",
            async (s, id, r, t) =>
            {
                var (response, report) = await s.GetRequiredService<Diagnostics>().SetMonitoringBaseAsync(id, r, t).ConfigureAwait(false);
                return new MonitoringBaseView(response.Status.ToWire(), response.StatusInfo?.ReasonCode, report is null ? null : ReportView(report));
            })
            .WithDescription("Accepted: the station's monitors change in ways only it knows, so the CSMS asks for an unfiltered monitoring report at once, "
                + "waits for it (Api:CommandTimeoutSeconds) and answers it as report; the stored monitors are then what the station reported.");
        commands.MapCommand<SetMonitoringLevelRequest, SetMonitoringLevelResponse>(
            "/set-monitoring-level", OcppActions.SetMonitoringLevel, "N06 Set monitoring level: events of severity above it are not reported",
            (s, id, r, t) => s.GetRequiredService<Diagnostics>().SetMonitoringLevelAsync(id, r, t));
        commands.MapCommand<GetMonitoringReportRequest, MonitoringReportView>(
            "/get-monitoring-report", OcppActions.GetMonitoringReport, "N02 Get monitoring report (by criteria and components) and wait for its last part",
            async (s, id, r, t) => ReportView(await s.GetRequiredService<Diagnostics>().GetMonitoringReportAsync(id, r, t).ConfigureAwait(false)),
            (s, body) => body["requestId"] ??= s.GetRequiredService<Diagnostics>().NextMonitoringRequestId())
            .WithDescription("requestId may be left out: the CSMS then chooses one. The parts are stored as they arrive; the last removes the stored "
                + "monitors of the report's criteria and components that no part named. Waits at most Api:CommandTimeoutSeconds.");

        api.MapGet("/stations/{stationId}/monitors", ListAsync).WithTags("Monitoring").WithName("listMonitors")
            .WithSummary("The monitors the station holds, as it last reported or accepted them, by id; filter by component, variable, type")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>A monitor the station holds: its id (the station's), where it watches, its type, value, severity, and whether it watches only during transactions; <c>source</c> Set or Report.</summary>
    internal sealed record MonitorView(
        int Id, string Component, string? ComponentInstance, int? EvseId, int? ConnectorId, string Variable, string? VariableInstance, string Type, decimal Value,
        int Severity, bool Transaction, string Source, DateTimeOffset UpdatedAt);

    /// <summary>A monitoring report: its requestId, the station's answer, whether its last part came, and the stored monitors it covers.</summary>
    internal sealed record MonitoringReportView(int RequestId, string Status, string? ReasonCode, bool Complete, MonitorView[] Monitors);

    /// <summary>What SetMonitoringBase gave: the station's answer and, when Accepted, the report asked for after it.</summary>
    internal sealed record MonitoringBaseView(string Status, string? ReasonCode, MonitoringReportView? Report);

    internal static MonitorView View(MonitorRecord m) => new(
        m.MonitorId, m.ComponentName, m.ComponentInstance, m.EvseId, m.ConnectorId, m.VariableName, m.VariableInstance, m.Type, m.Value, m.Severity, m.Transaction, m.Source, m.UpdatedAt);

    private static MonitoringReportView ReportView(Diagnostics.MonitoringReport report) =>
        new(report.RequestId, report.Status.ToWire(), report.StatusInfo?.ReasonCode, report.Complete, [.. report.Monitors.Select(View)]);

    private static async Task<Results<Ok<Page<MonitorView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, string? component, string? variable,
        [Description("UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned")] string? type,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (type is not null && !Types.Contains(type))
        {
            return ApiResults.Invalid("type", "must be UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned");
        }

        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = db.Monitors.AsNoTracking().Where(m => m.StationId == stationId);
        if (component is not null)
        {
            query = query.Where(m => m.ComponentName == component);
        }

        if (variable is not null)
        {
            query = query.Where(m => m.VariableName == variable);
        }

        if (type is not null)
        {
            query = query.Where(m => m.Type == type);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(m => m.MonitorId > a);
        }

        var rows = await query.OrderBy(m => m.MonitorId).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, View, m => Paging.Key(m.MonitorId)));
    }
}
