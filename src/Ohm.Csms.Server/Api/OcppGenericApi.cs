using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// <c>POST /api/stations/{id}/ocpp/{action}</c>: sends any CSMS-to-station action with the body as its payload,
/// validated first, and returns the station's response payload or its CALLERROR. An action that a block serves goes
/// through that block's method with the request exactly as given (customData kept), as the command endpoints do: a
/// TriggerMessage lets the triggered message through while the station is Pending, a SetVariables updates the stored
/// device model and is split per the station's limits. Other actions go to the station as they are.
/// </summary>
internal static class OcppGenericApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/stations/{stationId}/ocpp/{action}", SendAsync)
            .WithTags("Commands")
            .WithSummary("Send any CSMS-to-station OCPP action; the body is the request payload");

    /// <summary>The blocks that serve CSMS-to-station actions.</summary>
    internal sealed record Blocks(Provisioning Provisioning, RemoteControl RemoteControl, Availability Availability, Transactions Transactions, DataTransfer DataTransfer);

    private static async Task<IResult> SendAsync(
        string stationId, string action, HttpRequest http, IStationCallRouter router, Provisioning provisioning, RemoteControl remoteControl,
        Availability availability, Transactions transactions, DataTransfer dataTransfer, ApiOptions options, CancellationToken ct)
    {
        var definition = OcppActions.Find(action);
        if (definition is null)
        {
            return ApiResults.NotFound($"'{action}' is not an OCPP 2.0.1 action.");
        }

        if (!definition.IsSentBy(OcppRole.Csms))
        {
            return ApiResults.Invalid("action", $"{definition.Name} is sent by the charging station, not by the CSMS.");
        }

        var body = await OcppBody.ReadAsync(http, ct).ConfigureAwait(false);
        if (body is null || body.Length == 0)
        {
            return ApiResults.Invalid("body", $"send the {definition.Name}Request payload as JSON (at most 1 MiB)");
        }

        var error = definition.ValidateRequest(body);
        if (error is not null)
        {
            return ApiResults.Invalid(error);
        }

        var blocks = new Blocks(provisioning, remoteControl, availability, transactions, dataTransfer);
        return await ApiResults.CallAsync(stationId, options, async t =>
        {
            var served = ThroughBlock(blocks, stationId, definition.ReadRequest(body), t);
            if (served is null)
            {
                return Results.Bytes(await router.CallRawAsync(stationId, definition, body, t).ConfigureAwait(false), "application/json");
            }

            var response = await served.ConfigureAwait(false);
            return Results.Bytes(JsonSerializer.SerializeToUtf8Bytes(response, definition.ResponseTypeInfo), "application/json");
        }, ct).ConfigureAwait(false);
    }

    /// <summary>The call through the block that serves the request's action, or null when no block serves it.</summary>
    internal static Task<object>? ThroughBlock(Blocks blocks, string stationId, object request, CancellationToken ct) => request switch
    {
        ResetRequest r => Box(blocks.Provisioning.ResetAsync(stationId, r, ct)),
        GetVariablesRequest r => Box(blocks.Provisioning.GetVariablesAsync(stationId, r, ct)),
        SetVariablesRequest r => Box(blocks.Provisioning.SetVariablesAsync(stationId, r, ct)),
        GetBaseReportRequest r => Box(blocks.Provisioning.GetBaseReportAsync(stationId, r, ct)),
        GetReportRequest r => Box(blocks.Provisioning.GetReportAsync(stationId, r, ct)),
        RequestStartTransactionRequest r => Box(blocks.RemoteControl.RequestStartTransactionAsync(stationId, r, ct)),
        RequestStopTransactionRequest r => Box(blocks.RemoteControl.RequestStopTransactionAsync(stationId, r, ct)),
        UnlockConnectorRequest r => Box(blocks.RemoteControl.UnlockConnectorAsync(stationId, r, ct)),
        TriggerMessageRequest r => Box(blocks.RemoteControl.TriggerMessageAsync(stationId, r, ct)),
        ChangeAvailabilityRequest r => Box(blocks.Availability.ChangeAvailabilityAsync(stationId, r, ct)),
        GetTransactionStatusRequest r => Box(blocks.Transactions.GetTransactionStatusAsync(stationId, r, ct)),
        DataTransferRequest r => Box(blocks.DataTransfer.SendAsync(stationId, r, ct)),
        _ => null,
    };

    private static async Task<object> Box<T>(Task<T> task)
        where T : class => await task.ConfigureAwait(false);
}
