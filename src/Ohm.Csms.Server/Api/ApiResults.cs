using Microsoft.AspNetCore.Http;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Validation;

namespace Ohm.Csms.Server.Api;

/// <summary>The ProblemDetails the API answers with, one shape per kind of failure.</summary>
internal static class ApiResults
{
    public static IResult Invalid(string field, string detail) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] }, title: "The request is not valid", detail: $"{field}: {detail}");

    public static IResult Invalid(OcppValidationError error) =>
        Invalid(error.Path.Length == 0 ? "body" : error.Path, error.Message);

    public static IResult NotFound(string what) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    /// <summary>Runs a call to a station and maps its failures: 404 not connected, 504 no answer, 502 CALLERROR or bad answer.</summary>
    public static async Task<IResult> CallAsync(string stationId, ApiOptions options, Func<CancellationToken, Task<IResult>> call, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.CommandTimeoutSeconds));
        try
        {
            return await call(timeout.Token).ConfigureAwait(false);
        }
        catch (StationNotConnectedException)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Station not connected", detail: $"Station '{stationId}' is not connected.");
        }
        catch (Exception ex) when (ex is OcppCallTimeoutException || (ex is OperationCanceledException && !requestAborted.IsCancellationRequested))
        {
            return Results.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "The station did not answer in time", detail: $"No answer from '{stationId}' within the timeout.");
        }
        catch (OcppCallErrorException ex)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status502BadGateway,
                title: "The station answered with a CALLERROR",
                detail: $"{ex.Code.ToWire()}: {ex.Description}",
                extensions: new Dictionary<string, object?> { ["errorCode"] = ex.Code.ToWire(), ["errorDescription"] = ex.Description });
        }
        catch (OcppPayloadException ex)
        {
            return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The station's answer breaks the schema", detail: ex.Error.ToString());
        }
        catch (OcppConnectionClosedException)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Station not connected", detail: $"The connection of '{stationId}' closed before it answered.");
        }
    }
}
