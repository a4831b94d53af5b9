using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Events;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The dashboard's figures from a seeded database, through the real <see cref="FleetQueries"/>.</summary>
public sealed class DashboardTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 11, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ohm-dashboard-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Now);
    private readonly InProcessFleetChanges _changes = new();
    private CsmsDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = CsmsDatabase.InDataFolder(_folder);
        await _database.MigrateAsync();
        await using var db = _database.CreateContext();
        foreach (var id in new[] { "CS1", "CS2", "CS3" })
        {
            db.Stations.Add(new StationRecord { Id = id, CreatedAt = Now.AddDays(-1) });
        }

        db.ConnectorStatuses.AddRange(
            Status("CS1", 1, "Occupied"), Status("CS2", 1, "Faulted"), Status("CS2", 2, "Faulted"), Status("CS3", 1, "Available"), Status("CS3", 2, "Available"));
        db.ConnectorStatuses.Add(new ConnectorStatusRecord { StationId = "CS1", EvseId = 1, ConnectorId = 1, Status = "Faulted", Timestamp = Now.AddHours(-5), ReceivedAt = Now.AddHours(-5), Current = false });
        var active = new TransactionRecord { StationId = "CS1", TransactionId = "T1", EvseId = 1, State = "Active", UpdatedAt = Now };
        var ended = new TransactionRecord { StationId = "CS3", TransactionId = "T0", EvseId = 2, State = "Ended", UpdatedAt = Now };
        db.Transactions.AddRange(active, ended);
        await db.SaveChangesAsync();

        // T1 on CS1 EVSE 1: 1000 Wh at 10:00, 3500 Wh at 10:30 (2.5 kWh today) and 7 kW at 10:30; the register of yesterday is not today's.
        db.TransactionEvents.AddRange(
            Event(active, 0, Now.AddHours(-12), """[{"timestamp":"2026-12-03T23:00:00Z","sampledValue":[{"value":500}]}]"""),
            Event(active, 1, Now.AddHours(-1), """[{"timestamp":"2026-12-04T10:00:00Z","sampledValue":[{"value":1,"unitOfMeasure":{"unit":"kWh"}}]}]"""),
            Event(active, 2, Now.AddMinutes(-30), """[{"timestamp":"2026-12-04T10:30:00Z","sampledValue":[{"value":3500},{"value":7,"measurand":"Power.Active.Import","unitOfMeasure":{"unit":"kW"}}]}]"""));

        // A MeterValues request of CS3 EVSE 2: 200 Wh more.
        db.MeterValues.Add(new MeterValueRecord { StationId = "CS3", EvseId = 2, ReceivedAt = Now.AddMinutes(-10), MeterValues = """[{"timestamp":"2026-12-04T10:40:00Z","sampledValue":[{"value":100}]},{"timestamp":"2026-12-04T10:50:00Z","sampledValue":[{"value":300}]}]""" });
        db.Alerts.AddRange(Alert("CS2", 3, open: true), Alert("CS2", 3, open: true), Alert("CS1", null, open: true), Alert("CS3", 6, open: false));
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_dashboard_counts_stations_connectors_transactions_alerts_and_todays_energy_from_the_database()
    {
        await using var context = NewContext();
        var page = context.Render<Dashboard>();

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=stations-offline]").TextContent));
        Assert.Equal("0", page.Find("[data-testid=stations-connected]").TextContent);
        Assert.Equal("1", page.Find("[data-testid=stations-faulted]").TextContent);
        Assert.Equal("1", page.Find("[data-testid=transactions-active]").TextContent);
        Assert.Equal("2.7 kWh", page.Find("[data-testid=energy-today]").TextContent);
        Assert.Equal("3", page.Find("[data-testid=alerts-open]").TextContent);
        Assert.Contains("Available: 2", page.Find("[data-testid=connectors-Available]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Faulted: 2", page.Find("[data-testid=connectors-Faulted]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Occupied: 1", page.Find("[data-testid=connectors-Occupied]").TextContent, StringComparison.Ordinal);
        Assert.Contains("3 Critical: 2", page.Find("[data-testid=alerts-severity-3]").TextContent, StringComparison.Ordinal);
        Assert.Contains("unknown: 1", page.Find("[data-testid=alerts-severity-unknown]").TextContent, StringComparison.Ordinal);
        Assert.Contains("00:00 UTC", page.Find("[data-testid=energy-today]").ParentElement!.TextContent, StringComparison.Ordinal);
        Assert.Equal(FleetQueries.PowerBuckets, page.FindAll("[data-testid=power-bar]").Count);
        Assert.Contains("peak 7 kW", page.Find("[data-testid=power-peak]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_reads_the_fleet_again_on_its_timer_after_the_throttle()
    {
        await using var context = NewContext();
        var page = context.Render<Dashboard>();
        page.WaitForAssertion(() => Assert.Equal("1", page.Find("[data-testid=transactions-active]").TextContent));

        await using (var db = _database.CreateContext())
        {
            db.Transactions.Add(new TransactionRecord { StationId = "CS3", TransactionId = "T2", EvseId = 1, State = "Active", UpdatedAt = Now });
            await db.SaveChangesAsync();
        }

        _time.Advance(Dashboard.Period);
        Assert.Equal("1", page.Find("[data-testid=transactions-active]").TextContent);
        _time.Advance(Dashboard.Throttle);
        page.WaitForAssertion(() => Assert.Equal("2", page.Find("[data-testid=transactions-active]").TextContent));
    }

    [Fact]
    public async Task The_power_api_and_the_page_share_one_query_whose_buckets_hold_the_mean_power_or_the_energy_rate()
    {
        var fleet = new FleetQueries(_database, new StationSessions(), new FleetMessageRate(_time), _time);
        var power = await fleet.PowerAsync(6);

        Assert.Equal(FleetQueries.PowerBuckets, power.Buckets.Count);
        Assert.Equal(900, power.BucketSeconds);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 11, 15, 0, TimeSpan.Zero), power.To);

        // 10:30 bucket: the 7 kW reading of CS1; 10:45 bucket: 200 Wh of CS3 in 15 min = 800 W.
        Assert.Equal(7000, power.Buckets.Single(b => b.From.TimeOfDay == new TimeSpan(10, 30, 0)).Watts);
        Assert.Equal(800, power.Buckets.Single(b => b.From.TimeOfDay == new TimeSpan(10, 45, 0)).Watts);
    }

    private BunitContext NewContext()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton<TimeProvider>(_time);
        context.Services.AddSingleton<IFleetChanges>(_changes);
        context.Services.AddSingleton(new FleetQueries(_database, new StationSessions(), new FleetMessageRate(_time), _time));
        context.AddAuthorization().SetAuthorized("viewer");
        return context;
    }

    private static ConnectorStatusRecord Status(string station, int evse, string status) =>
        new() { StationId = station, EvseId = evse, ConnectorId = 1, Status = status, Timestamp = Now.AddHours(-1), ReceivedAt = Now.AddHours(-1), Current = true };

    private static TransactionEventRecord Event(TransactionRecord tx, int seqNo, DateTimeOffset receivedAt, string meterValues) => new()
    {
        TransactionRecordId = tx.Id, StationId = tx.StationId, TransactionId = tx.TransactionId, SeqNo = seqNo, EventType = seqNo == 0 ? "Started" : "Updated",
        Timestamp = receivedAt, TriggerReason = "MeterValuePeriodic", ReceivedAt = receivedAt, MeterValues = meterValues,
    };

    private static AlertRecord Alert(string station, int? severity, bool open) => new()
    {
        StationId = station, ComponentName = "EVSE", VariableName = "Power", Severity = severity, Open = open, OpenedAt = Now.AddHours(-2), LastEventAt = Now.AddHours(-2),
        LastValue = "1", ClearedAt = open ? null : Now.AddHours(-1),
    };
}
