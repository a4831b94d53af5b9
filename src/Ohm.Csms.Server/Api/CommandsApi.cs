using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// One endpoint per CSMS-to-station command. The body is the OCPP request payload (validated against its schema); the
/// answer is the station's response payload. Each operationId is the OCPP action in camelCase.
/// </summary>
internal static class CommandsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var commands = api.MapGroup("/stations/{stationId}/commands").WithTags("Commands");

        commands.MapCommand<ResetRequest, ResetResponse>("/reset", OcppActions.Reset, "B11/B12 Reset the station or one EVSE (Immediate or OnIdle)",
            (s, id, r, t) => s.GetRequiredService<Provisioning>().ResetAsync(id, r, t));
        commands.MapCommand<GetVariablesRequest, GetVariablesResponse>("/get-variables", OcppActions.GetVariables, "B06 Get variables, split to respect the station's ItemsPerMessage and BytesPerMessage",
            (s, id, r, t) => s.GetRequiredService<Provisioning>().GetVariablesAsync(id, r, t));
        commands.MapCommand<SetVariablesRequest, SetVariablesResponse>("/set-variables", OcppActions.SetVariables, "B05 Set variables; accepted values update the stored device model",
            (s, id, r, t) => s.GetRequiredService<Provisioning>().SetVariablesAsync(id, r, t));
        commands.MapCommand<GetBaseReportRequest, ReportStarted>("/get-base-report", OcppActions.GetBaseReport, "B07 Get base report; the NotifyReport parts are stored as the station's device model",
            async (s, id, r, t) => new ReportStarted(r.RequestId, (await s.GetRequiredService<Provisioning>().GetBaseReportAsync(id, r, t).ConfigureAwait(false)).Status.ToWire()),
            (s, body) => body["requestId"] ??= s.GetRequiredService<Provisioning>().NextRequestId())
            .WithDescription("requestId may be left out: the CSMS then chooses one. A requestId given is sent as it is. The answer carries the requestId that names the report.");
        commands.MapCommand<GetReportRequest, ReportStarted>("/get-report", OcppActions.GetReport, "B08 Get custom report",
            async (s, id, r, t) => new ReportStarted(r.RequestId, (await s.GetRequiredService<Provisioning>().GetReportAsync(id, r, t).ConfigureAwait(false)).Status.ToWire()),
            (s, body) => body["requestId"] ??= s.GetRequiredService<Provisioning>().NextRequestId())
            .WithDescription("requestId may be left out: the CSMS then chooses one. A requestId given is sent as it is.");
        commands.MapCommand<RequestStartTransactionRequest, RemoteStarted>("/request-start", OcppActions.RequestStartTransaction,
            "F01/F02 Request start transaction; remoteStartId is chosen when omitted and links the transaction",
            async (s, id, r, t) =>
            {
                var remote = s.GetRequiredService<RemoteControl>();
                if (r.RemoteStartId == 0)
                {
                    r.RemoteStartId = remote.NextRemoteStartId();
                }

                var response = await remote.RequestStartTransactionAsync(id, r, t).ConfigureAwait(false);
                return new RemoteStarted(r.RemoteStartId, response.Status.ToWire(), response.TransactionId);
            },
            (_, body) => body["remoteStartId"] ??= 0);
        commands.MapCommand<RequestStopTransactionRequest, RequestStopTransactionResponse>("/request-stop", OcppActions.RequestStopTransaction, "F03 Request stop transaction",
            (s, id, r, t) => s.GetRequiredService<RemoteControl>().RequestStopTransactionAsync(id, r, t));
        commands.MapCommand<UnlockConnectorRequest, UnlockConnectorResponse>("/unlock-connector", OcppActions.UnlockConnector, "F05 Unlock connector",
            (s, id, r, t) => s.GetRequiredService<RemoteControl>().UnlockConnectorAsync(id, r, t));
        commands.MapCommand<TriggerMessageRequest, TriggerMessageResponse>("/trigger-message", OcppActions.TriggerMessage, "F06 Trigger message (any requestedMessage)",
            (s, id, r, t) => s.GetRequiredService<RemoteControl>().TriggerMessageAsync(id, r, t));
        commands.MapCommand<ChangeAvailabilityRequest, ChangeAvailabilityResponse>("/change-availability", OcppActions.ChangeAvailability,
            "G03/G04 Change availability of the station, an EVSE or a connector",
            (s, id, r, t) => s.GetRequiredService<Availability>().ChangeAvailabilityAsync(id, r, t));
        commands.MapCommand<GetTransactionStatusRequest, GetTransactionStatusResponse>("/get-transaction-status", OcppActions.GetTransactionStatus, "E14 Get transaction status",
            (s, id, r, t) => s.GetRequiredService<Transactions>().GetTransactionStatusAsync(id, r, t));
        commands.MapCommand<DataTransferRequest, DataTransferResponse>("/data-transfer", OcppActions.DataTransfer, "P02 Data transfer to the station",
            (s, id, r, t) => s.GetRequiredService<DataTransfer>().SendAsync(id, r, t));
    }

    /// <summary>What a report command answers: the requestId its NotifyReport parts carry, and the station's status.</summary>
    internal sealed record ReportStarted(int RequestId, string Status);

    /// <summary>What request-start answers: the remoteStartId that links the transaction, the station's status and transactionId.</summary>
    internal sealed record RemoteStarted(int RemoteStartId, string Status, string? TransactionId);

    /// <summary>
    /// Maps one command: the body declared as <typeparamref name="TRequest"/> (read and validated by <see cref="OcppBody"/>),
    /// the answer as <typeparamref name="TResponse"/>, the operationId as the action in camelCase, and every failure it can give.
    /// </summary>
    internal static RouteHandlerBuilder MapCommand<TRequest, TResponse>(
        this RouteGroupBuilder commands, string path, OcppAction action, string summary,
        Func<IServiceProvider, string, TRequest, CancellationToken, Task<TResponse>> run, Action<IServiceProvider, JsonObject>? defaults = null)
        where TRequest : class
    {
        var builder = commands.MapPost(path, async Task<Results<Ok<TResponse>, ValidationProblem, ProblemHttpResult>> (
            string stationId, HttpRequest http, ApiOptions options, CsmsDatabase database, IServiceProvider services, CancellationToken ct) =>
        {
            var read = await OcppBody.ReadAsync(http, action, defaults is null ? null : body => defaults(services, body), ct).ConfigureAwait(false);
            if (read.Refused is { } refused)
            {
                return refused;
            }

            if (read.Invalid is { } invalid)
            {
                return invalid;
            }

            var request = (TRequest)read.Request!;
            return await ApiResults.CallAsync<Results<Ok<TResponse>, ValidationProblem, ProblemHttpResult>>(
                stationId, options, database, async t => TypedResults.Ok(await run(services, stationId, request, t).ConfigureAwait(false)), p => p, ct).ConfigureAwait(false);
        });
        builder.WithName(char.ToLowerInvariant(action.Name[0]) + action.Name[1..]).WithSummary(summary)
            .Accepts<TRequest>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
