using Microsoft.AspNetCore.Http;
using Ohm.Ocpp;

namespace Ohm.Csms.Server.Api;

/// <summary>Reads a request body that is the JSON payload of an OCPP request, validated against its schema.</summary>
internal static class OcppBody
{
    private const int MaxBody = 1024 * 1024;

    public static async Task<byte[]?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
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

    /// <summary>The typed request, or the 400 answer naming what is wrong.</summary>
    public static async Task<(T? Request, IResult? Error)> ReadAsync<T>(HttpRequest request, OcppAction action, CancellationToken cancellationToken)
        where T : class
    {
        var body = await ReadAsync(request, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return (null, ApiResults.Invalid("body", $"is larger than {MaxBody} bytes"));
        }

        if (body.Length == 0)
        {
            return (null, ApiResults.Invalid("body", $"is empty; send the {action.Name}Request payload as JSON"));
        }

        try
        {
            var error = action.ValidateRequest(body);
            return error is null ? ((T)action.ReadRequest(body), null) : (null, ApiResults.Invalid(error));
        }
        catch (Exception ex) when (ApiErrors.IsJsonTextError(ex))
        {
            // Valid JSON syntax that no string can hold (a lone surrogate such as \ud800), or no JSON at all.
            return (null, ApiResults.Invalid("body", ex.Message));
        }
    }
}
