using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Validation;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The ProblemDetails the API answers with, one shape per kind of failure, all application/problem+json: 400 a
/// ValidationProblem whose <c>errors</c> is keyed by the field or parameter and whose detail names it; every other
/// failure a ProblemHttpResult (404 unknown resource, 409 conflict, 415 not JSON, 502 CALLERROR, 503 station not
/// connected, 504 no answer). An endpoint returns <c>Results&lt;Ok&lt;T&gt;, ValidationProblem, ProblemHttpResult&gt;</c>
/// and declares each ProblemHttpResult status it can give with <c>.ProducesProblem(status)</c>.
/// </summary>
internal static class ApiResults
{
    public static ValidationProblem Invalid(string field, string detail) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [detail] }, title: "The request is not valid", detail: $"{field}: {detail}");

    public static ValidationProblem Invalid(OcppValidationError error) =>
        Invalid(error.Path.Length == 0 ? "body" : error.Path, error.Message);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: what);

    public static ProblemHttpResult StationNotFound(string stationId) => NotFound($"Station '{stationId}' is not registered.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be JSON", detail: detail);

    /// <summary>Whether the station is in the registry.</summary>
    public static async Task<bool> IsRegisteredAsync(CsmsDatabase database, string stationId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false);
    }

    /// <summary>The statuses <see cref="CallAsync"/> can answer besides the call's own result.</summary>
    public static readonly int[] CallProblems = [StatusCodes.Status404NotFound, StatusCodes.Status502BadGateway, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout];

    /// <summary>
    /// Runs a call to a station and maps its failures: 404 the station is not registered, 503 it is registered but not
    /// connected (or its connection closed before it answered), 504 no answer in time, 502 CALLERROR or an answer that
    /// breaks the schema.
    /// </summary>
    public static async Task<TResult> CallAsync<TResult>(
        string stationId, ApiOptions options, CsmsDatabase database, Func<CancellationToken, Task<TResult>> call, Func<ProblemHttpResult, TResult> problem, CancellationToken requestAborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.CommandTimeoutSeconds));
        try
        {
            return await call(timeout.Token).ConfigureAwait(false);
        }
        catch (StationNotConnectedException)
        {
            return problem(await IsRegisteredAsync(database, stationId, requestAborted).ConfigureAwait(false)
                ? NotConnected($"Station '{stationId}' is not connected.")
                : StationNotFound(stationId));
        }
        catch (Exception ex) when (ex is OcppCallTimeoutException || (ex is OperationCanceledException && !requestAborted.IsCancellationRequested))
        {
            return problem(TypedResults.Problem(statusCode: StatusCodes.Status504GatewayTimeout, title: "The station did not answer in time", detail: $"No answer from '{stationId}' within {options.CommandTimeoutSeconds} s (Api:CommandTimeoutSeconds)."));
        }
        catch (OcppCallErrorException ex)
        {
            return problem(TypedResults.Problem(
                statusCode: StatusCodes.Status502BadGateway,
                title: "The station answered with a CALLERROR",
                detail: $"{ex.Code.ToWire()}: {ex.Description}",
                extensions: new Dictionary<string, object?> { ["errorCode"] = ex.Code.ToWire(), ["errorDescription"] = ex.Description }));
        }
        catch (OcppPayloadException ex)
        {
            return problem(TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The station's answer breaks the schema", detail: ex.Error.ToString()));
        }
        catch (OcppConnectionClosedException)
        {
            return problem(NotConnected($"The connection of '{stationId}' closed before it answered."));
        }
    }

    private static ProblemHttpResult NotConnected(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Station not connected", detail: detail);
}
