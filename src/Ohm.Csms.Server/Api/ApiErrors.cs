using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Request bodies the API cannot read answer 400 with a ProblemDetails that says why, never 500: a body that is not
/// JSON, or not of the endpoint's shape (BadHttpRequestException, with Minimal APIs' ThrowOnBadRequest on), or JSON whose
/// text no .NET string can hold, such as the lone surrogate <c>"\ud800"</c> (System.Text.Json's InvalidOperationException).
/// Nothing else is caught: any other exception is still a bug and is logged as one.
/// </summary>
internal static class ApiErrors
{
    /// <summary>Maps the request-reading failures of every endpoint after it to a 400 ProblemDetails.</summary>
    public static void UseBadRequestProblems(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && BadRequest(ex) is { } problem)
            {
                context.Response.Clear();
                await Results.Problem(statusCode: problem.Status, title: "The request is not valid", detail: problem.Detail).ExecuteAsync(context).ConfigureAwait(false);
            }
        });

    /// <summary>Whether <paramref name="exception"/> is System.Text.Json's failure to read a JSON text.</summary>
    public static bool IsJsonTextError(Exception exception) =>
        exception is JsonException
        || (exception is InvalidOperationException && exception.Source is { } source && source.StartsWith("System.Text.Json", StringComparison.Ordinal));

    private static (int Status, string Detail)? BadRequest(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message),
        _ when IsJsonTextError(exception) => (StatusCodes.Status400BadRequest, "body: " + exception.Message),
        _ => null,
    };
}
