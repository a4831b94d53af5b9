using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Console;

/// <summary>Adds the console to the CSMS host: its services, the cookie login, and its pages on the API listener.</summary>
public static class ConsoleHosting
{
    /// <summary>The authentication scheme of the console's cookie.</summary>
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>Registers the console's services, the cookie scheme and one authorization policy per role.</summary>
    public static IServiceCollection AddOhmConsole(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddSingleton(options);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddCascadingAuthenticationState();
        services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "ohm.console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = "/login";
            cookie.AccessDeniedPath = "/login";
            cookie.ReturnUrlParameter = "returnUrl"; // as RedirectToLogin and the login page spell it
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.Events = new CookieAuthenticationEvents { OnValidatePrincipal = ValidateAsync };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicies.Viewer, p => p.RequireRole(OperatorPolicies.RolesMeeting(OperatorRole.Viewer)))
            .AddPolicy(OperatorPolicies.Operator, p => p.RequireRole(OperatorPolicies.RolesMeeting(OperatorRole.Operator)))
            .AddPolicy(OperatorPolicies.Administrator, p => p.RequireRole(OperatorPolicies.RolesMeeting(OperatorRole.Administrator)));
        return services;
    }

    /// <summary>
    /// Maps the pages, the Blazor circuit and the logout endpoint. <paramref name="onConsoleListener"/> says whether a
    /// request came in on the listener that serves the console (the API's); elsewhere the console answers 404.
    /// </summary>
    public static void MapOhmConsole(this WebApplication app, Func<HttpContext, bool> onConsoleListener)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = app.Services.GetRequiredService<ConsoleOptions>();
        ConsoleAssets.Use(app, onConsoleListener);

        // Called here rather than left to the host's defaults, which would authorize before the development login ran:
        // the first request of a new browser to a page that needs a role would then be sent to the login form.
        app.UseAuthentication();
        if (options.DevelopmentLogin)
        {
            app.Use((context, next) => DevelopmentLoginAsync(context, next, onConsoleListener));
        }

        app.UseAuthorization();
        app.UseAntiforgery();
        var pages = app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        pages.Add(endpoint => OnlyOn(endpoint, onConsoleListener));
        var logout = app.MapPost("/logout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieScheme).ConfigureAwait(false);
            return Results.LocalRedirect("/login");
        }).ExcludeFromDescription();
        logout.Add(endpoint => OnlyOn(endpoint, onConsoleListener));
        app.MapConsoleExports(onConsoleListener); // downloads (the transactions CSV)
    }

    private static void OnlyOn(EndpointBuilder endpoint, Func<HttpContext, bool> onConsoleListener)
    {
        var inner = endpoint.RequestDelegate;
        if (inner is null)
        {
            return;
        }

        endpoint.RequestDelegate = context =>
        {
            if (onConsoleListener(context))
            {
                return inner(context);
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        };
    }

    // Each request checks the account again: a disabled or removed account is logged out, a changed role takes effect.
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var name = context.Principal?.Identity?.Name;
        var options = context.HttpContext.RequestServices.GetRequiredService<ConsoleOptions>();
        if (name == ConsoleOptions.DevelopmentAccount && options.DevelopmentLogin)
        {
            return;
        }

        var accounts = context.HttpContext.RequestServices.GetRequiredService<IOperatorAccounts>();
        var account = name is null ? null : await accounts.GetAsync(name, context.HttpContext.RequestAborted).ConfigureAwait(false);
        if (account is not { Enabled: true })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme).ConfigureAwait(false);
            return;
        }

        if (ConsoleUser.Role(context.Principal!) != account.Role || name != account.Name)
        {
            context.ReplacePrincipal(ConsoleUser.Principal(account.Name, account.Role, CookieScheme));
            context.ShouldRenew = true;
        }
    }

    // --accept-unknown: a browser on this machine is the development administrator without a password.
    private static async Task DevelopmentLoginAsync(HttpContext context, RequestDelegate next, Func<HttpContext, bool> onConsoleListener)
    {
        if (context.User.Identity?.IsAuthenticated != true && onConsoleListener(context)
            && context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote)
            && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/_framework")
            && !context.Request.Path.StartsWithSegments("/_content"))
        {
            var principal = ConsoleUser.Principal(ConsoleOptions.DevelopmentAccount, OperatorRole.Administrator, CookieScheme);
            await context.SignInAsync(CookieScheme, principal).ConfigureAwait(false);
            context.User = principal;
        }

        await next(context).ConfigureAwait(false);
    }
}
