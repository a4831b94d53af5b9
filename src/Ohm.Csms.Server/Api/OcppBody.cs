using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Ohm.Ocpp;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Reads a request body that is the JSON payload of an OCPP request and validates it against its schema, so that a
/// bad body gets the answer a station would get for it (the field named, an unknown field refused). The body is read by
/// hand rather than bound by Minimal APIs, which would skip the schema checks; the endpoints declare its type with
/// <c>Accepts&lt;T&gt;</c> so the OpenAPI document shows it.
/// </summary>
internal static class OcppBody
{
    private const int MaxBody = 1024 * 1024;

    /// <summary>A body read: the typed request and its JSON, or the 415 or 400 answer that says what is wrong.</summary>
    internal readonly record struct Read(object? Request, byte[] Json, ValidationProblem? Invalid, ProblemHttpResult? Refused);

    /// <summary>
    /// Reads and validates the <paramref name="action"/> request; <paramref name="defaults"/> may fill fields the
    /// caller left out before the validation.
    /// </summary>
    public static async Task<Read> ReadAsync(HttpRequest request, OcppAction action, Action<JsonObject>? defaults, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return new(null, [], null, ApiResults.UnsupportedMediaType(
                $"Send the {action.Name}Request payload with Content-Type: application/json (was {(request.ContentType is { Length: > 0 } type ? $"'{type}'" : "missing")})."));
        }

        var body = await ReadBytesAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return Invalid(ApiResults.Invalid("body", $"is larger than {MaxBody} bytes"));
        }

        if (body.Length == 0)
        {
            return Invalid(ApiResults.Invalid("body", $"is empty; send the {action.Name}Request payload as JSON"));
        }

        try
        {
            if (defaults is not null && JsonNode.Parse(body) is JsonObject obj)
            {
                defaults(obj);
                body = System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString());
            }

            var error = action.ValidateRequest(body);
            return error is null ? new(action.ReadRequest(body), body, null, null) : Invalid(ApiResults.Invalid(error));
        }
        catch (Exception ex) when (ApiErrors.IsJsonTextError(ex))
        {
            // Valid JSON syntax that no string can hold (a lone surrogate such as \ud800), or no JSON at all.
            return Invalid(ApiResults.Invalid("body", "is not valid JSON: " + ex.Message));
        }
    }

    private static Read Invalid(ValidationProblem problem) => new(null, [], problem, null);

    private static async Task<byte[]?> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBody)
            {
                return null;
            }
        }

        return buffer.ToArray();
    }
}
