using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;
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

    /// <summary>A monitoring report: its requestId, the station's answer, whether its last part came, and the stored monitors it covers.</summary>
    internal sealed record MonitoringReportView(int RequestId, string Status, string? ReasonCode, bool Complete, MonitorView[] Monitors);

    /// <summary>What SetMonitoringBase gave: the station's answer and, when Accepted, the report asked for after it.</summary>
    internal sealed record MonitoringBaseView(string Status, string? ReasonCode, MonitoringReportView? Report);

    internal static MonitorView View(MonitorRecord m) => MonitorView.Of(m);

    private static MonitoringReportView ReportView(Diagnostics.MonitoringReport report) =>
        new(report.RequestId, report.Status.ToWire(), report.StatusInfo?.ReasonCode, report.Complete, [.. report.Monitors.Select(View)]);

    private static async Task<Results<Ok<Page<MonitorView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, string? component, string? variable,
        [Description("UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned")] string? type,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, AlertQueries alerts, CancellationToken ct)
    {
        if (type is not null && !AlertQueries.MonitorTypes.Contains(type))
        {
            return ApiResults.Invalid("type", "must be UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned");
        }

        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        if (await alerts.MonitorsAsync(stationId, component, variable, type, after, take, ct).ConfigureAwait(false) is not { } page)
        {
            return ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok(new Page<MonitorView>(page.Items, page.Total, page.NextKey is { } next ? Paging.Cursor(Paging.Key(next)) : null));
    }
}
