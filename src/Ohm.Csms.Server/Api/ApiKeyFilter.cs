using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Ohm.Csms.Server.Api;

/// <summary>Requires the configured API key in <c>X-Api-Key</c>; loopback requests pass without it in development mode.</summary>
internal sealed class ApiKeyFilter(ApiOptions options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (options.AllowLoopbackWithoutKey && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
        {
            return next(context);
        }

        if (options.Key is null)
        {
            return ValueTask.FromResult<object?>(Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The API needs a key",
                detail: "No API key is configured: set Api:Key (OHM__Api__Key), or allow loopback requests with Api:AllowLoopbackWithoutKey for development."));
        }

        string? given = http.Request.Headers[Header];
        if (given is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.Key)))
        {
            return ValueTask.FromResult<object?>(Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or wrong API key",
                detail: $"Send the key configured as Api:Key in the {Header} header."));
        }

        return next(context);
    }
}
