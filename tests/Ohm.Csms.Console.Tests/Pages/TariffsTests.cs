using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Accounts;
using Ohm.Csms.Blocks;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class TariffsTests
{
    private static async Task<(CapabilityPageContext Context, TariffQueries Queries)> StartAsync(OperatorRole role)
    {
        var context = await CapabilityPageContext.StartAsync(role);
        var queries = new TariffQueries(context.Database, context.Writer, context.Time);
        context.Bunit.Services.AddSingleton(queries);
        return (context, queries);
    }

    [Fact]
    public async Task The_tariff_form_refuses_a_currency_that_is_not_an_ISO_code_and_a_tax_above_100_and_stores_nothing()
    {
        var (context, queries) = await StartAsync(OperatorRole.Operator);
        await using var _ = context;
        var page = context.Bunit.Render<Tariffs>();

        Fields.Input(page, "tariff-currency").Change("euro");
        Fields.Input(page, "tariff-tax").Change("150");
        await page.Find("[data-testid=tariff-save]").ClickAsync(new());

        page.WaitForAssertion(() =>
        {
            Assert.Contains("three capital letters", page.Markup, StringComparison.Ordinal);
            Assert.Contains("0 to 100 percent", page.Markup, StringComparison.Ordinal);
        });
        Assert.Equal(0, (await queries.ListAsync(null, 0, 10, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task The_tariff_form_adds_a_valid_tariff_and_the_list_shows_it()
    {
        var (context, queries) = await StartAsync(OperatorRole.Operator);
        await using var _ = context;
        var page = context.Bunit.Render<Tariffs>();

        Fields.Input(page, "tariff-name-field").Change("Day");
        Fields.Input(page, "tariff-energy").Change("0.35");
        await page.Find("[data-testid=tariff-save]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("Day", page.Find("[data-testid=tariff-name]").TextContent.Trim()));
        var stored = Assert.Single((await queries.ListAsync(null, 0, 10, CancellationToken.None)).Rows);
        Assert.Equal(0.35m, stored.Tariff.EnergyPerKwh);
    }

    [Fact]
    public async Task The_list_shows_each_tariff_with_its_default_mark_and_where_it_applies_and_a_viewer_gets_no_form()
    {
        var (context, queries) = await StartAsync(OperatorRole.Viewer);
        await using var _ = context;
        await context.Writer.ExecuteAsync(db => { db.Stations.Add(new StationRecord { Id = "CS1" }); return Task.CompletedTask; });
        var day = await queries.CreateAsync(new TariffDefinition { Name = "Day", EnergyPerKwh = 0.3m }, isDefault: true, CancellationToken.None);
        var fleet = await queries.CreateAsync(new TariffDefinition { Name = "Fleet", EnergyPerKwh = 0.2m }, isDefault: false, CancellationToken.None);
        await queries.AssignAsync(fleet.Id, "FLEET-1", null, null, CancellationToken.None);
        await queries.AssignAsync(fleet.Id, null, "CS1", 2, CancellationToken.None);

        var page = context.Bunit.Render<Tariffs>();

        page.WaitForAssertion(() => Assert.Equal(["Day", "Fleet"], page.FindAll("[data-testid=tariff-name]").Select(n => n.FirstChild!.TextContent.Trim())));
        Assert.Single(page.FindAll("[data-testid=tariff-default]"));
        var applies = page.FindAll("[data-testid=tariff-assignments]");
        Assert.Equal("", applies[0].TextContent.Trim());
        Assert.Contains("group FLEET-1", applies[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("CS1 EVSE 2", applies[1].TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=tariff-form]"));
        Assert.Empty(page.FindAll($"[data-testid=delete-{day.Id}]"));
    }
}
