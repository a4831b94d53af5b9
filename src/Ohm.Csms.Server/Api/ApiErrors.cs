using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Requests the API cannot read answer a ProblemDetails that says why, never 500 and never an empty body: a body that
/// is not JSON, has a field the body type does not have, a value of the wrong type or a null where none is allowed (400
/// naming the JSON path), no JSON Content-Type (415), a query parameter that is not of its type (400 naming it), JSON
/// whose text no .NET string can hold, such as the lone surrogate <c>"\ud800"</c> (System.Text.Json's
/// InvalidOperationException). A path under /api that no endpoint serves, a method it does not take, or a Content-Type
/// its declared body does not have (routing answers these before any endpoint runs) answers 404, 405 or 415 as a
/// ProblemDetails. Nothing else is caught: any other exception is still a bug and is logged as one.
/// </summary>
internal static partial class ApiErrors
{
    /// <summary>Maps the request-reading failures of every endpoint after it to a ProblemDetails.</summary>
    public static void UseBadRequestProblems(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (!context.Response.HasStarted && BadRequest(ex) is { } problem)
            {
                context.Response.Clear();
                var result = problem.Field is null
                    ? Results.Problem(statusCode: problem.Status, title: "The request is not valid", detail: problem.Detail)
                    : Results.ValidationProblem(new Dictionary<string, string[]> { [problem.Field] = [problem.Detail] }, title: "The request is not valid", detail: $"{problem.Field}: {problem.Detail}");
                await result.ExecuteAsync(context).ConfigureAwait(false);
            }
        });

        // An empty error answer under /api (no endpoint for the path or the method) gets a body that says so.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), api => api.UseStatusCodePages(async status =>
        {
            var http = status.HttpContext;
            var detail = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => $"No API endpoint answers {http.Request.Method} {http.Request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not take {http.Request.Method}.",
                StatusCodes.Status415UnsupportedMediaType =>
                    $"The body must be JSON with Content-Type: application/json (was {(http.Request.ContentType is { Length: > 0 } type ? $"'{type}'" : "missing")}).",
                _ => null,
            };
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails { Status = http.Response.StatusCode, Detail = detail },
            }).ConfigureAwait(false);
        }));
    }

    /// <summary>Whether <paramref name="exception"/> is System.Text.Json's failure to read a JSON text.</summary>
    public static bool IsJsonTextError(Exception exception) =>
        exception is JsonException
        || (exception is InvalidOperationException && exception.Source is { } source && source.StartsWith("System.Text.Json", StringComparison.Ordinal));

    private static (int Status, string? Field, string Detail)? BadRequest(Exception exception) => exception switch
    {
        BadHttpRequestException { InnerException: JsonException json } => Json(json),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } bad => (bad.StatusCode, null, $"The body must be JSON with Content-Type: application/json. {bad.Message}"),
        BadHttpRequestException bad => (bad.StatusCode, BoundParameter(bad.Message), bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message),
        JsonException json => Json(json),
        _ when IsJsonTextError(exception) => (StatusCodes.Status400BadRequest, "body", exception.Message),
        _ => null,
    };

    /// <summary>The JSON path of the failure as the field, and what is wrong with it in words that name no .NET type.</summary>
    private static (int, string?, string) Json(JsonException json)
    {
        var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
        var message = json.Message;
        if (UnmappedMember().IsMatch(message))
        {
            return (StatusCodes.Status400BadRequest, field, "is not a field of this body (unknown fields are refused)");
        }

        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            return (StatusCodes.Status400BadRequest, missing.Groups[1].Value, "is required");
        }

        if (NullNotAllowed().Match(message) is { Success: true })
        {
            return (StatusCodes.Status400BadRequest, field, "must not be null");
        }

        if (NotConvertible().Match(message) is { Success: true } wrong)
        {
            return (StatusCodes.Status400BadRequest, field, "must be " + Kind(wrong.Groups[1].Value));
        }

        var at = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (StatusCodes.Status400BadRequest, field, "is not valid JSON: " + (at > 0 ? message[..at] : message));
    }

    private static string Kind(string type) => type.Replace("System.Nullable`1[", "", StringComparison.Ordinal).TrimEnd(']') switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" => "an integer (a number without quotes)",
        "System.Decimal" or "System.Double" or "System.Single" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        "System.DateTimeOffset" or "System.DateTime" => "a date and time (RFC 3339, such as 2025-06-01T10:00:00Z)",
        var t when typeof(Ocpp.Messages.IdTokenEnumType).Assembly.GetType(t) is { IsEnum: true } e => "one of " + string.Join(", ", Names(e)),

        // System.Text.Json names the enclosing type when a constructor parameter fails: say only that the type is wrong.
        _ => "of another type (the value has the wrong type for this field)",
    };

    /// <summary>The names of an OCPP enum as the JSON spells them.</summary>
    private static IEnumerable<string> Names(Type type) =>
        type.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), false) is [System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute name] ? name.Name : f.Name);

    /// <summary>The parameter named by Minimal APIs' "Failed to bind parameter "int? limit" from "x"."</summary>
    private static string? BoundParameter(string message) =>
        BindFailure().Match(message) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex("could not be mapped to any .NET member")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex("missing required properties[^']*'([^']+)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex("doesn't allow (setting|getting) null values|does not allow null")]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex("could not be converted to ([^ .]+(\\.[^ .]+)*)")]
    private static partial Regex NotConvertible();

    [GeneratedRegex("Failed to bind parameter \"[^\"]* ([A-Za-z0-9_]+)\"")]
    private static partial Regex BindFailure();
}
