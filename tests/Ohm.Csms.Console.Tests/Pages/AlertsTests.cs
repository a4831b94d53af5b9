using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The alerts page over a seeded database, through the real <see cref="AlertQueries"/> the API uses.</summary>
public sealed class AlertsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 11, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ohm-alerts-" + Guid.NewGuid().ToString("N"));
    // The station field commits its text after its 400 ms debounce (MudBlazor's own timer).
    private static readonly TimeSpan Debounced = TimeSpan.FromSeconds(5);
    private CsmsDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = CsmsDatabase.InDataFolder(_folder);
        await _database.MigrateAsync();
        await using var db = _database.CreateContext();
        db.Stations.AddRange(new StationRecord { Id = "CS1", CreatedAt = Now }, new StationRecord { Id = "CS2", CreatedAt = Now });
        for (var i = 0; i < 30; i++)
        {
            db.Alerts.Add(Alert("CS1", severity: i % 2 == 0 ? 2 : 7, open: true));
        }

        db.Alerts.AddRange(Alert("CS2", 1, open: true), Alert("CS2", 4, open: false));
        db.Monitors.Add(new MonitorRecord
        {
            StationId = "CS2", MonitorId = 7, ComponentName = "EVSE", EvseId = 1, VariableName = "Power", Type = "UpperThreshold", Value = 22000, Severity = 4, Source = "Set", UpdatedAt = Now,
        });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_alerts_page_lists_open_alerts_a_page_at_a_time_and_filters_by_station_and_state()
    {
        await using var context = NewContext();
        var page = context.Render<Alerts>();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("[data-testid=alert-station]").Count));
        Assert.Contains("1-25 of 31", page.Markup, StringComparison.Ordinal);

        page.FindComponent<MudBlazor.MudTextField<string>>().Find("input").Input("CS2");
        page.WaitForAssertion(() => Assert.Equal("CS2", Assert.Single(page.FindAll("[data-testid=alert-station]")).TextContent), Debounced);
        Assert.Equal("1 Hardware failure", page.Find("[data-testid=alert-severity]").TextContent);

        page.FindAll("[data-testid=alerts-state] input")[1].Click();
        page.WaitForAssertion(() => Assert.Equal("4 Error", Assert.Single(page.FindAll("[data-testid=alert-severity]")).TextContent));
    }

    [Fact]
    public async Task The_monitors_of_a_station_are_listed_from_the_same_query_as_the_api()
    {
        await using var context = NewContext();
        var monitors = context.Render<AlertsMonitors>();
        Assert.NotNull(monitors.Find("[data-testid=monitors-hint]"));

        monitors.FindComponent<MudBlazor.MudTextField<string>>().Find("input").Input("CS2");
        monitors.WaitForAssertion(() => Assert.Equal("7", monitors.Find("[data-testid=monitor-id]").TextContent), Debounced);

        monitors.FindComponent<MudBlazor.MudTextField<string>>().Find("input").Input("CS9");
        monitors.WaitForAssertion(() => Assert.NotNull(monitors.Find("[data-testid=monitors-unknown]")), Debounced);
    }

    [Fact]
    public async Task Paging_by_keys_reads_the_pages_between_to_reach_a_later_page()
    {
        var queries = new AlertQueries(_database);
        var cursors = new KeysetCursors();
        var reads = 0;
        var third = await cursors.PageAsync(2, 10, (before, take) =>
        {
            reads++;
            return queries.AlertsAsync(new AlertFilter(StationId: "CS1"), before, take);
        });

        Assert.Equal(3, reads);
        Assert.Equal(10, third.Items.Count);
        Assert.Null(third.NextKey);
        var first = await queries.AlertsAsync(new AlertFilter(StationId: "CS1"), null, 30);
        Assert.Equal(first.Items.Skip(20).Select(a => a.Id), third.Items.Select(a => a.Id));
    }

    private BunitContext NewContext()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(new AlertQueries(_database));
        context.AddAuthorization().SetAuthorized("viewer");
        return context;
    }

    private static AlertRecord Alert(string station, int? severity, bool open) => new()
    {
        StationId = station, ComponentName = "EVSE", VariableName = "Power", Severity = severity, Open = open, OpenedAt = Now.AddHours(-2), LastEventAt = Now.AddHours(-2),
        LastValue = "1", ClearedAt = open ? null : Now.AddHours(-1),
    };
}
