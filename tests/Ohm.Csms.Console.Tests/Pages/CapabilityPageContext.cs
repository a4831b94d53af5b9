using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Ohm.Csms.Accounts;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>A bUnit context for the capability pages: MudBlazor, a signed-in user of a role, and a fresh migrated SQLite database with its writer.</summary>
public sealed class CapabilityPageContext : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ohm-console-test-").FullName;

    private CapabilityPageContext()
    {
        Database = new CsmsDatabase($"Data Source={Path.Combine(_folder, "csms.db")}");
        Writer = new CsmsWriter(Database, NullLogger<CsmsWriter>.Instance);
    }

    public BunitContext Bunit { get; } = new();

    public CsmsDatabase Database { get; }

    public CsmsWriter Writer { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    public static async Task<CapabilityPageContext> StartAsync(OperatorRole role)
    {
        var context = new CapabilityPageContext();
        await context.Database.MigrateAsync();
        context.Bunit.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Bunit.Services.AddMudServices();
        context.Bunit.Services.AddSingleton<TimeProvider>(context.Time).AddSingleton(context.Database).AddSingleton(context.Writer);
        context.Bunit.AddAuthorization().SetAuthorized("alice").SetRoles(role.ToString());
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        await Bunit.DisposeAsync();
        await Writer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>Finds a MudBlazor field's input by the data-testid given to the field (MudBlazor puts it on the input itself).</summary>
public static class Fields
{
    public static AngleSharp.Dom.IElement Input<T>(IRenderedComponent<T> page, string testId)
        where T : Microsoft.AspNetCore.Components.IComponent
    {
        var element = page.Find($"[data-testid={testId}]");
        return element.TagName is "INPUT" or "TEXTAREA" ? element : element.QuerySelector("input, textarea") ?? element;
    }
}
