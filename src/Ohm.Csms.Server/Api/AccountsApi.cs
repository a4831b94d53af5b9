using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Operator accounts (Administrator): list, create, change role / enabled / password, remove; and the caller's own
/// account and API keys (any role): a key is answered once, at creation.
/// </summary>
internal static class AccountsApi
{
    private const string Tag = "Accounts";

    public static void Map(RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags(Tag);
        accounts.MapGet("/", ListAsync).WithName("listAccounts").WithSummary("Every operator account, by name (Administrator)");
        accounts.MapPost("/", CreateAsync).WithName("createAccount")
            .WithSummary("Create an enabled account with a role (Viewer, Operator, Administrator) and a password of at least 12 characters (Administrator)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapPatch("/{name}", ChangeAsync).WithName("changeAccount")
            .WithSummary("Change an account's role, enable or disable it, or set a new password (Administrator); the last enabled Administrator cannot be demoted or disabled")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        accounts.MapDelete("/{name}", DeleteAsync).WithName("deleteAccount")
            .WithSummary("Remove an account and its API keys (Administrator); the last enabled Administrator cannot be removed")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        var me = api.MapGroup("/accounts/me").WithTags(Tag);
        me.MapGet("/", MeAsync).WithName("getMyAccount").WithSummary("The account the request acts as, with its role");
        me.MapGet("/keys", KeysAsync).WithName("listMyApiKeys").WithSummary("The caller's API keys (never their secret), newest first")
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapPost("/keys", CreateKeyAsync).WithName("createMyApiKey")
            .WithSummary("Create an API key of the caller's account: the answer's key is shown this once (only its hash is kept); send it in X-Api-Key")
            .ProducesProblem(StatusCodes.Status409Conflict);
        me.MapDelete("/keys/{keyId:long}", RevokeKeyAsync).WithName("revokeMyApiKey").WithSummary("Revoke one of the caller's API keys: it is refused from now on")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    /// <summary>An operator account: its role (Viewer, Operator, Administrator), whether it may log in, and when it last did.</summary>
    internal sealed record AccountView(string Name, string Role, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

    /// <summary>Who the request acts as: an account, or (isAccount false) the shared key or development mode, which have no keys.</summary>
    internal sealed record CallerView(string Name, string Role, bool IsAccount);

    /// <summary>An account to create.</summary>
    internal sealed record AccountBody
    {
        public required string Name { get; init; }

        [Description("at least 12 characters")]
        public required string Password { get; init; }

        [Description("Viewer, Operator or Administrator")]
        public required string Role { get; init; }
    }

    /// <summary>What to change of an account; what is left out stays.</summary>
    internal sealed record AccountChange
    {
        [Description("Viewer, Operator or Administrator")]
        public string? Role { get; init; }

        public bool? Enabled { get; init; }

        [Description("a new password, at least 12 characters")]
        public string? Password { get; init; }
    }

    /// <summary>A key to create: a label that says what uses it.</summary>
    internal sealed record ApiKeyBody
    {
        public required string Label { get; init; }
    }

    /// <summary>An API key as lists show it.</summary>
    internal sealed record ApiKeyListItem(long Id, string Label, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

    /// <summary>A key just created: <c>key</c> is shown this once.</summary>
    internal sealed record ApiKeyNew(long Id, string Label, string Prefix, string Key, DateTimeOffset CreatedAt);

    private static AccountView View(OperatorAccountView a) => new(a.Name, a.Role.ToString(), a.Enabled, a.CreatedAt, a.LastLoginAt);

    // Accounts are few: the list is read whole and paged by name.
    private static async Task<Results<Ok<Page<AccountView>>, ValidationProblem>> ListAsync(
        IOperatorAccounts accounts, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        var all = await accounts.ListAsync(ct).ConfigureAwait(false);
        var rows = all.Where(a => after is null || string.CompareOrdinal(OperatorAccounts.Normalize(a.Name), after) > 0).Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Of(rows, take, all.Count, View, a => OperatorAccounts.Normalize(a.Name)));
    }

    private static async Task<Results<Created<AccountView>, ValidationProblem, ProblemHttpResult>> CreateAsync(AccountBody body, IOperatorAccounts accounts, CancellationToken ct)
    {
        if (!TryRole(body.Role, out var role))
        {
            return BadRole();
        }

        try
        {
            var created = await accounts.CreateAsync(body.Name, body.Password, role, ct).ConfigureAwait(false);
            return TypedResults.Created($"/api/accounts/{Uri.EscapeDataString(created.Name)}", View(created));
        }
        catch (AccountException e) when (e.Error == AccountError.Invalid)
        {
            return Invalid(e);
        }
        catch (AccountException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<Ok<AccountView>, ValidationProblem, ProblemHttpResult>> ChangeAsync(string name, AccountChange body, IOperatorAccounts accounts, CancellationToken ct)
    {
        OperatorRole? role = null;
        if (body.Role is not null)
        {
            if (!TryRole(body.Role, out var given))
            {
                return BadRole();
            }

            role = given;
        }

        try
        {
            if (body.Password is not null)
            {
                await accounts.SetPasswordAsync(name, body.Password, ct).ConfigureAwait(false);
            }

            return TypedResults.Ok(View(await accounts.ChangeAsync(name, role, body.Enabled, ct).ConfigureAwait(false)));
        }
        catch (AccountException e) when (e.Error == AccountError.Invalid)
        {
            return Invalid(e);
        }
        catch (AccountException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(string name, IOperatorAccounts accounts, CancellationToken ct)
    {
        try
        {
            await accounts.DeleteAsync(name, ct).ConfigureAwait(false);
            return TypedResults.NoContent();
        }
        catch (AccountException e) when (e.Error == AccountError.Invalid)
        {
            return Invalid(e);
        }
        catch (AccountException e)
        {
            return Problem(e);
        }
    }

    private static Ok<CallerView> MeAsync(HttpContext http)
    {
        var caller = ApiCaller.Of(http);
        return TypedResults.Ok(new CallerView(caller.Name, caller.Role.ToString(), caller.IsAccount));
    }

    private static async Task<Results<Ok<Page<ApiKeyListItem>>, ValidationProblem, ProblemHttpResult>> KeysAsync(
        HttpContext http, IOperatorAccounts accounts, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        if (OwnAccount(http) is not { } name)
        {
            return NoAccount();
        }

        var keys = await accounts.ListKeysAsync(name, ct).ConfigureAwait(false);
        var rows = keys.Where(k => before is null || k.Id < before).Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Of(rows, take, keys.Count, k => new ApiKeyListItem(k.Id, k.Label, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt), k => Paging.Key(k.Id)));
    }

    private static async Task<Results<Created<ApiKeyNew>, ValidationProblem, ProblemHttpResult>> CreateKeyAsync(ApiKeyBody body, HttpContext http, IOperatorAccounts accounts, CancellationToken ct)
    {
        if (OwnAccount(http) is not { } name)
        {
            return NoAccount();
        }

        try
        {
            var key = await accounts.CreateKeyAsync(name, body.Label, ct).ConfigureAwait(false);
            return TypedResults.Created($"/api/accounts/me/keys/{key.Id}", new ApiKeyNew(key.Id, key.Label, key.Prefix, key.Key, key.CreatedAt));
        }
        catch (AccountException e) when (e.Error == AccountError.Invalid)
        {
            return Invalid(e);
        }
        catch (AccountException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(long keyId, HttpContext http, IOperatorAccounts accounts, CancellationToken ct)
    {
        if (OwnAccount(http) is not { } name)
        {
            return NoAccount();
        }

        return await accounts.RevokeKeyAsync(name, keyId, ct).ConfigureAwait(false) ? TypedResults.NoContent() : ApiResults.NotFound($"You have no unrevoked API key {keyId}.");
    }

    private static string? OwnAccount(HttpContext http) => ApiCaller.Of(http) is { IsAccount: true } caller ? caller.Name : null;

    private static ProblemHttpResult NoAccount() => ApiResults.Conflict(
        "Not an account", "The shared Api:Key and development mode act without an account, so they have no API keys: log in as an account (ohm csms user add) and create keys with its key.");

    private static bool TryRole(string given, out OperatorRole role) =>
        Enum.TryParse(given, ignoreCase: true, out role) && Enum.IsDefined(role) && !int.TryParse(given, out _);

    private static ValidationProblem BadRole() => ApiResults.Invalid("role", "must be Viewer, Operator or Administrator");

    private static ValidationProblem Invalid(AccountException e) => ApiResults.Invalid(e.Message.Split(':')[0], e.Message);

    private static ProblemHttpResult Problem(AccountException e) => e.Error switch
    {
        AccountError.NotFound => ApiResults.NotFound(e.Message),
        AccountError.Duplicate => ApiResults.Conflict("The account exists", e.Message),
        _ => ApiResults.Conflict("The last Administrator", e.Message),
    };
}
