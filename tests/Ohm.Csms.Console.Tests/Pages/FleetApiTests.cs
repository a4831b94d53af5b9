using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>/api/fleet serves the dashboard's query service (FleetQueries) to API clients.</summary>
public sealed class FleetApiTests
{
    [Fact]
    public async Task The_fleet_summary_and_power_endpoints_answer_the_dashboards_figures()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:AcceptUnknown", "true"));
        await using var station = await csms.BootedStationAsync("CS1");

        var summary = await csms.GetJsonAsync("api/fleet/summary");
        Assert.Equal(1, summary.GetProperty("stationsRegistered").GetInt32());
        Assert.Equal(1, summary.GetProperty("stationsConnected").GetInt32());
        Assert.Equal(0, summary.GetProperty("stationsOffline").GetInt32());
        Assert.Equal(0m, summary.GetProperty("energyTodayWh").GetDecimal());

        var power = await csms.GetJsonAsync("api/fleet/power?hours=6");
        Assert.Equal(24, power.GetProperty("buckets").GetArrayLength());
        Assert.Equal(900, power.GetProperty("bucketSeconds").GetInt32());

        using var bad = await csms.Api.GetAsync(new Uri("api/fleet/power?hours=0", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
