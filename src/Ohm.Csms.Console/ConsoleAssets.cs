using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace Ohm.Csms.Console;

/// <summary>The browser's files (MudBlazor's styles and script, Blazor's script, the console's styles), embedded in this assembly and served from <see cref="Path"/>.</summary>
internal static class ConsoleAssets
{
    public const string Path = "/assets";

    public static void Use(WebApplication app, Func<HttpContext, bool> onConsoleListener)
    {
        var files = new EmbeddedFileProvider(typeof(ConsoleAssets).Assembly, "OhmConsoleAssets");
        app.UseWhen(onConsoleListener, console => console.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "public, max-age=3600",
        }));
    }
}
