using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Sites;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The sites page over the real CSMS's <see cref="SiteQueries"/> and <see cref="SiteBalancer"/>.</summary>
public sealed class SitesTests
{
    [Fact]
    public async Task A_site_shows_its_limit_and_members_from_the_same_query_as_the_api()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var created = await csms.PostJsonAsync("api/sites", """{"id":"depot","name":"Depot","limit":32}""");
        Assert.Equal(201, created.Status);
        await using (var db = csms.Database.CreateContext())
        {
            db.Stations.Add(new StationRecord { Id = "CS1", CreatedAt = DateTimeOffset.UtcNow });
            db.SiteMembers.Add(new SiteMemberRecord { SiteId = "depot", StationId = "CS1" });
            await db.SaveChangesAsync();
        }

        await using var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<SiteQueries>());
        context.Services.AddSingleton(csms.App.Services.GetRequiredService<SiteBalancer>());
        context.AddAuthorization().SetAuthorized("viewer");
        var page = context.Render<Ohm.Csms.Console.Pages.Sites>(p => p.Add(s => s.SiteId, "depot"));

        page.WaitForAssertion(() => Assert.Equal("Depot (depot)", page.Find("[data-testid=site-title]").TextContent));
        Assert.Equal("depot", page.Find("[data-testid=site-id]").TextContent);
        Assert.Equal("32 A per phase", page.Find("[data-testid=site-limit]").TextContent);
        Assert.Contains("CS1", page.Find("[data-testid=site-member]").TextContent, StringComparison.Ordinal);
    }
}
