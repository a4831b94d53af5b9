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
/// validated first, and returns the station's response payload or its CALLERROR.
/// </summary>
internal static class OcppGenericApi
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapPost("/stations/{stationId}/ocpp/{action}", SendAsync)
            .WithTags("Commands")
            .WithSummary("Send any CSMS-to-station OCPP action; the body is the request payload");

    private static async Task<IResult> SendAsync(string stationId, string action, HttpRequest http, IStationCallRouter router, Provisioning provisioning, ApiOptions options, CancellationToken ct)
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

        return await ApiResults.CallAsync(stationId, options, async t =>
        {
            if (definition == OcppActions.SetVariables)
            {
                // Goes through the block so that accepted values update the stored device model, as the dedicated endpoint does.
                var request = (SetVariablesRequest)definition.ReadRequest(body);
                return Results.Ok(await provisioning.SetVariablesAsync(stationId, request.SetVariableData, t).ConfigureAwait(false));
            }

            var response = await router.CallRawAsync(stationId, definition, body, t).ConfigureAwait(false);
            return Results.Bytes(response, "application/json");
        }, ct).ConfigureAwait(false);
    }
}
