using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
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
    public static void Map(RouteGroupBuilder api)
    {
        var builder = api.MapPost("/stations/{stationId}/ocpp/{action}", SendAsync)
            .WithTags("Commands")
            .WithName("sendOcppAction")
            .WithSummary("Send any CSMS-to-station OCPP action; the body is the request payload")
            .WithDescription("action is the OCPP 2.0.1 action name (ClearCache, GetLog, ...); the body is validated against its request schema and the answer is the station's response payload. 404 for a name that is no OCPP action.")
            .Accepts<JsonObject>("application/json")
            .Produces<JsonObject>(StatusCodes.Status200OK, "application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            builder.ProducesProblem(status);
        }
    }

    /// <summary>The blocks that serve CSMS-to-station actions.</summary>
    internal sealed record Blocks(Provisioning Provisioning, RemoteControl RemoteControl, Availability Availability, Transactions Transactions, DataTransfer DataTransfer);

    private static async Task<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>> SendAsync(
        string stationId, string action, HttpRequest http, IStationCallRouter router, Provisioning provisioning, RemoteControl remoteControl,
        Availability availability, Transactions transactions, DataTransfer dataTransfer, ApiOptions options, CsmsDatabase database, CancellationToken ct)
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

        var read = await OcppBody.ReadAsync(http, definition, null, ct).ConfigureAwait(false);
        if (read.Refused is { } refused)
        {
            return refused;
        }

        if (read.Invalid is { } invalid)
        {
            return invalid;
        }

        var blocks = new Blocks(provisioning, remoteControl, availability, transactions, dataTransfer);
        return await ApiResults.CallAsync<Results<FileContentHttpResult, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var served = ThroughBlock(blocks, stationId, read.Request!, t);
            if (served is null)
            {
                return TypedResults.Bytes(await router.CallRawAsync(stationId, definition, read.Json, t).ConfigureAwait(false), "application/json");
            }

            var response = await served.ConfigureAwait(false);
            return TypedResults.Bytes(JsonSerializer.SerializeToUtf8Bytes(response, definition.ResponseTypeInfo), "application/json");
        }, p => p, ct).ConfigureAwait(false);
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
