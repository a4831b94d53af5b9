using Bunit;
using MudBlazor;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Events;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class StationsPageTests : BunitContext, IAsyncLifetime
{
    private StationsTestBed _bed = default!;

    public async Task InitializeAsync()
    {
        _bed = await StationsTestBed.CreateAsync();
        _bed.AddTo(this);
        AddAuthorization().SetAuthorized("viewer").SetRoles("Viewer");
        await using var db = _bed.Database.CreateContext();
        var now = DateTimeOffset.UtcNow;
        db.Stations.AddRange(
            new StationRecord { Id = "CS10", VendorName = "Acme", Model = "Volt", SerialNumber = "S-10", CreatedAt = now },
            new StationRecord { Id = "CS2", VendorName = "Zeta", Model = "Watt", SerialNumber = "S-2", CreatedAt = now },
            new StationRecord { Id = "CS3", VendorName = "Zeta", Model = "Amp", SerialNumber = "S-3", CreatedAt = now });
        db.ConnectorStatuses.Add(new ConnectorStatusRecord { StationId = "CS3", EvseId = 1, ConnectorId = 1, Status = "Faulted", Current = true, Timestamp = now, ReceivedAt = now });
        await db.SaveChangesAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public void Lists_the_stations_in_natural_order_with_their_connectors_by_status_and_a_faulted_one_highlighted()
    {
        StationsTestBed.Interactive(this);
        Render<MudPopoverProvider>();
        var page = Render<Stations>();

        page.WaitForAssertion(() => Assert.Equal(["CS2", "CS3", "CS10"], page.FindAll("[data-testid=station-link]").Select(a => a.TextContent.Trim())));
        Assert.Contains("1 Faulted", page.Find("[data-testid=connectors-CS3]").TextContent, StringComparison.Ordinal);
        var faulted = page.FindAll("tr.ohm-faulted");
        Assert.Single(faulted);
        Assert.Contains("CS3", faulted[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Offline", page.Find("[data-testid=online-CS2]").TextContent.Trim());
    }

    [Fact]
    public void The_search_matches_identity_vendor_model_and_serial_number()
    {
        StationsTestBed.Interactive(this);
        Render<MudPopoverProvider>();
        var page = Render<Stations>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=station-link]").Count));

        page.Find("input[data-testid=stations-search], [data-testid=stations-search] input").Input("acme");
        page.WaitForAssertion(() => Assert.Equal(["CS10"], page.FindAll("[data-testid=station-link]").Select(a => a.TextContent.Trim())), TimeSpan.FromSeconds(5));

        page.Find("input[data-testid=stations-search], [data-testid=stations-search] input").Input("S-3");
        page.WaitForAssertion(() => Assert.Equal(["CS3"], page.FindAll("[data-testid=station-link]").Select(a => a.TextContent.Trim())), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_connector_status_change_redraws_the_list_without_reload()
    {
        StationsTestBed.Interactive(this);
        Render<MudPopoverProvider>();
        var page = Render<Stations>();
        page.WaitForAssertion(() => Assert.Empty(page.Find("[data-testid=connectors-CS2]").TextContent.Trim()));

        await using (var db = _bed.Database.CreateContext())
        {
            var now = DateTimeOffset.UtcNow;
            db.ConnectorStatuses.Add(new ConnectorStatusRecord { StationId = "CS2", EvseId = 1, ConnectorId = 1, Status = "Occupied", Current = true, Timestamp = now, ReceivedAt = now });
            await db.SaveChangesAsync();
        }

        _bed.Changes.Publish(new FleetChange(FleetChangeKind.ConnectorStatus, "CS2", DateTimeOffset.UtcNow, 1, 1, "Occupied"));
        page.WaitForAssertion(() => Assert.Contains("1 Occupied", page.Find("[data-testid=connectors-CS2]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }
}
