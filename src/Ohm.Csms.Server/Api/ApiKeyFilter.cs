using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Who calls the API: <c>X-Api-Key</c> is an account's key (the request acts as that account, with its role) or the
/// shared <c>Api:Key</c> (acts as the Administrator <see cref="SharedKeyAccount"/>); in development mode a loopback
/// request without a key acts as the Administrator <c>development-admin</c>. The role the endpoint needs
/// (<see cref="ApiRoles"/>) is checked, and the request runs as the caller's <see cref="CommandActor"/> so that the
/// audit log records its calls to stations.
/// </summary>
internal sealed class ApiKeyFilter(ApiOptions options, IOperatorAccounts accounts) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    /// <summary>The account name the shared key acts as.</summary>
    public const string SharedKeyAccount = "api-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        string? given = http.Request.Headers[Header];
        ApiCaller? caller;
        if (given is null && options.AllowLoopbackWithoutKey && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
        {
            caller = new ApiCaller(Ohm.Csms.Console.ConsoleOptions.DevelopmentAccount, OperatorRole.Administrator, IsAccount: false);
        }
        else if (given is null && options.Key is null)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "The API needs a key",
                detail: $"Send an account's API key in the {Header} header (create one at /account or POST /api/accounts/me/keys), or configure a shared key as Api:Key (OHM__Api__Key); for development, allow loopback requests with Api:AllowLoopbackWithoutKey.");
        }
        else if (given is not null && given.StartsWith(OperatorAccounts.KeyStart, StringComparison.Ordinal)
            && await accounts.VerifyKeyAsync(given, http.RequestAborted).ConfigureAwait(false) is { } account)
        {
            caller = new ApiCaller(account.Name, account.Role, IsAccount: true);
        }
        else if (given is not null && options.Key is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(options.Key)))
        {
            caller = new ApiCaller(SharedKeyAccount, OperatorRole.Administrator, IsAccount: false);
        }
        else
        {
            return Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Missing or wrong API key",
                detail: $"Send an account's API key, or the key configured as Api:Key, in the {Header} header; a revoked key, or a key of a disabled or removed account, is refused.");
        }

        var needed = ApiRoles.Needed(http.Request.Method, http.Request.Path);
        if (caller.Role < needed)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: $"This needs the {needed} role",
                detail: $"{http.Request.Method} {http.Request.Path} needs an account with the {needed} role; '{caller.Name}' is {caller.Role}.");
        }

        http.Items[typeof(ApiCaller)] = caller;
        using (CommandActor.Begin(caller.Name))
        {
            return await next(context).ConfigureAwait(false);
        }
    }
}

/// <summary>Who made an API request: the account (or the shared key, or development mode) and its role.</summary>
/// <param name="IsAccount">Whether it is a stored account (false for the shared key and development mode, which have no keys of their own).</param>
internal sealed record ApiCaller(string Name, OperatorRole Role, bool IsAccount)
{
    /// <summary>The caller of <paramref name="http"/>, as <see cref="ApiKeyFilter"/> found it.</summary>
    public static ApiCaller Of(HttpContext http) =>
        http.Items[typeof(ApiCaller)] as ApiCaller ?? throw new InvalidOperationException("The request did not pass the API key filter.");
}
