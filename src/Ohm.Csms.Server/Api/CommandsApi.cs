using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// One endpoint per CSMS-to-station command. The body is the OCPP request payload (validated against its schema);
/// the answer is the station's response: 404 when the station is not connected, 504 when it does not answer in time.
/// </summary>
internal static class CommandsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var commands = api.MapGroup("/stations/{stationId}/commands").WithTags("Commands");

        commands.MapPost("/reset", (string stationId, HttpRequest http, Provisioning provisioning, ApiOptions options, CancellationToken ct) =>
            Command<ResetRequest>(stationId, http, OcppActions.Reset, options, ct, async (r, t) =>
                Results.Ok(await provisioning.ResetAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("B11/B12 Reset the station or one EVSE (Immediate or OnIdle)");

        commands.MapPost("/get-variables", (string stationId, HttpRequest http, Provisioning provisioning, ApiOptions options, CancellationToken ct) =>
            Command<GetVariablesRequest>(stationId, http, OcppActions.GetVariables, options, ct, async (r, t) =>
                Results.Ok(await provisioning.GetVariablesAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("B06 Get variables, split to respect the station's ItemsPerMessage and BytesPerMessage");

        commands.MapPost("/set-variables", (string stationId, HttpRequest http, Provisioning provisioning, ApiOptions options, CancellationToken ct) =>
            Command<SetVariablesRequest>(stationId, http, OcppActions.SetVariables, options, ct, async (r, t) =>
                Results.Ok(await provisioning.SetVariablesAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("B05 Set variables; accepted values update the stored device model");

        commands.MapPost("/get-base-report", (string stationId, HttpRequest http, Provisioning provisioning, ApiOptions options, CancellationToken ct) =>
            CommandWithDefaults<GetBaseReportRequest>(stationId, http, OcppActions.GetBaseReport, options, ct, body => body["requestId"] ??= provisioning.NextRequestId(), async (r, t) =>
            {
                var response = await provisioning.GetBaseReportAsync(stationId, r, t).ConfigureAwait(false);
                return Results.Ok(new ReportStarted(r.RequestId, response.Status.ToWire()));
            }))
            .WithSummary("B07 Get base report; the NotifyReport parts are stored as the station's device model");

        commands.MapPost("/get-report", (string stationId, HttpRequest http, Provisioning provisioning, ApiOptions options, CancellationToken ct) =>
            CommandWithDefaults<GetReportRequest>(stationId, http, OcppActions.GetReport, options, ct, body => body["requestId"] ??= provisioning.NextRequestId(), async (r, t) =>
            {
                var response = await provisioning.GetReportAsync(stationId, r, t).ConfigureAwait(false);
                return Results.Ok(new ReportStarted(r.RequestId, response.Status.ToWire()));
            }))
            .WithSummary("B08 Get custom report");

        commands.MapPost("/request-start", (string stationId, HttpRequest http, RemoteControl remote, ApiOptions options, CancellationToken ct) =>
            CommandWithDefaults<RequestStartTransactionRequest>(stationId, http, OcppActions.RequestStartTransaction, options, ct, body => body["remoteStartId"] ??= 0, async (r, t) =>
            {
                if (r.RemoteStartId == 0)
                {
                    r.RemoteStartId = remote.NextRemoteStartId();
                }

                var response = await remote.RequestStartTransactionAsync(stationId, r, t).ConfigureAwait(false);
                return Results.Ok(new RemoteStarted(r.RemoteStartId, response.Status.ToWire(), response.TransactionId));
            }))
            .WithSummary("F01/F02 Request start transaction; remoteStartId is chosen when omitted and links the transaction");

        commands.MapPost("/request-stop", (string stationId, HttpRequest http, RemoteControl remote, ApiOptions options, CancellationToken ct) =>
            Command<RequestStopTransactionRequest>(stationId, http, OcppActions.RequestStopTransaction, options, ct, async (r, t) =>
                Results.Ok(await remote.RequestStopTransactionAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("F03 Request stop transaction");

        commands.MapPost("/unlock-connector", (string stationId, HttpRequest http, RemoteControl remote, ApiOptions options, CancellationToken ct) =>
            Command<UnlockConnectorRequest>(stationId, http, OcppActions.UnlockConnector, options, ct, async (r, t) =>
                Results.Ok(await remote.UnlockConnectorAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("F05 Unlock connector");

        commands.MapPost("/trigger-message", (string stationId, HttpRequest http, RemoteControl remote, ApiOptions options, CancellationToken ct) =>
            Command<TriggerMessageRequest>(stationId, http, OcppActions.TriggerMessage, options, ct, async (r, t) =>
                Results.Ok(await remote.TriggerMessageAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("F06 Trigger message (any requestedMessage)");

        commands.MapPost("/change-availability", (string stationId, HttpRequest http, Availability availability, ApiOptions options, CancellationToken ct) =>
            Command<ChangeAvailabilityRequest>(stationId, http, OcppActions.ChangeAvailability, options, ct, async (r, t) =>
                Results.Ok(await availability.ChangeAvailabilityAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("G03/G04 Change availability of the station, an EVSE or a connector");

        commands.MapPost("/get-transaction-status", (string stationId, HttpRequest http, Transactions transactions, ApiOptions options, CancellationToken ct) =>
            Command<GetTransactionStatusRequest>(stationId, http, OcppActions.GetTransactionStatus, options, ct, async (r, t) =>
                Results.Ok(await transactions.GetTransactionStatusAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("E14 Get transaction status");

        commands.MapPost("/data-transfer", (string stationId, HttpRequest http, DataTransfer dataTransfer, ApiOptions options, CancellationToken ct) =>
            Command<DataTransferRequest>(stationId, http, OcppActions.DataTransfer, options, ct, async (r, t) =>
                Results.Ok(await dataTransfer.SendAsync(stationId, r, t).ConfigureAwait(false))))
            .WithSummary("P02 Data transfer to the station");
    }

#pragma warning disable CA1068 // The handler lambda reads best last.
    private static Task<IResult> Command<T>(string stationId, HttpRequest http, Ocpp.OcppAction action, ApiOptions options, CancellationToken ct, Func<T, CancellationToken, Task<IResult>> run)
        where T : class =>
        CommandWithDefaults(stationId, http, action, options, ct, null, run);

    private static async Task<IResult> CommandWithDefaults<T>(
        string stationId, HttpRequest http, Ocpp.OcppAction action, ApiOptions options, CancellationToken ct, Action<JsonObject>? defaults, Func<T, CancellationToken, Task<IResult>> run)
        where T : class
    {
        var body = await OcppBody.ReadAsync(http, ct).ConfigureAwait(false);
        if (body is null || body.Length == 0)
        {
            return ApiResults.Invalid("body", $"send the {action.Name}Request payload as JSON (at most 1 MiB)");
        }

        if (defaults is not null)
        {
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(body);
            }
            catch (System.Text.Json.JsonException ex)
            {
                return ApiResults.Invalid("body", "is not valid JSON: " + ex.Message);
            }

            if (node is JsonObject obj)
            {
                defaults(obj);
                body = System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString());
            }
        }

        var error = action.ValidateRequest(body);
        if (error is not null)
        {
            return ApiResults.Invalid(error);
        }

        var request = (T)action.ReadRequest(body);
        return await ApiResults.CallAsync(stationId, options, t => run(request, t), ct).ConfigureAwait(false);
    }

#pragma warning restore CA1068

    internal sealed record ReportStarted(int RequestId, string Status);

    internal sealed record RemoteStarted(int RemoteStartId, string Status, string? TransactionId);
}
