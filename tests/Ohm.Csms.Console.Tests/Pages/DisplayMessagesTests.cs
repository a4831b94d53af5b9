using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using Ohm.Csms.Accounts;
using Ohm.Csms.Blocks;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class DisplayMessagesTests
{
    private static async Task<CapabilityPageContext> StartAsync(OperatorRole role)
    {
        var context = await CapabilityPageContext.StartAsync(role);
        context.Bunit.Services.AddSingleton(new DisplayMessageQueries(context.Database)).AddSingleton(new DisplayMessage(
            context.Writer, context.Database, new ReservationsTests.OfflineRouter(), new StationMessageStore(context.Writer, context.Time), context.Time, NullLogger<DisplayMessage>.Instance));
        await context.Writer.ExecuteAsync(db => { db.Stations.Add(new StationRecord { Id = "CS1" }); return Task.CompletedTask; });
        return context;
    }

    private static IRenderedComponent<DisplayMessages> Show(CapabilityPageContext context)
    {
        context.Bunit.Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo("display-messages?station=CS1");
        return context.Bunit.Render<DisplayMessages>();
    }

    [Fact]
    public async Task Setting_a_message_without_text_is_refused_by_the_form_and_an_offline_station_is_said_plainly()
    {
        await using var context = await StartAsync(OperatorRole.Operator);
        context.Bunit.Render<MudPopoverProvider>();
        var page = Show(context);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-messages]")));

        await page.Find("[data-testid=set]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("The message needs a text.", page.Markup, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=result]"));

        Fields.Input(page, "content").Change("Welcome");
        await page.Find("[data-testid=set]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Equal("Station 'CS1' is not connected.", page.Find("[data-testid=result]").TextContent.Trim()));
    }

    [Fact]
    public async Task A_viewer_sees_the_messages_but_no_set_form_nor_clear_buttons()
    {
        await using var context = await StartAsync(OperatorRole.Viewer);
        context.Bunit.Render<MudPopoverProvider>();
        var page = Show(context);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=no-messages]")));
        Assert.Empty(page.FindAll("[data-testid=set-form]"));
        Assert.True(page.Find("[data-testid=ask]").HasAttribute("disabled"));
    }
}
