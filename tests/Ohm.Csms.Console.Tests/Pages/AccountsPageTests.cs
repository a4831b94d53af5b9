using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Ohm.Csms.Accounts;
using AccountsPage = Ohm.Csms.Console.Pages.Accounts;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class AccountsPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly FakeOperatorAccounts _accounts = new();

    public AccountsPageTests()
    {
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IOperatorAccounts>(_accounts);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.AddAuthorization().SetAuthorized("root").SetRoles(nameof(OperatorRole.Administrator));
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => _context.Render<ContainerFragment>(p => p.AddChildContent(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<AccountsPage>(1);
        b.CloseComponent();
    }));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Lists_the_accounts_and_creates_one_from_the_form()
    {
        await _accounts.CreateAsync("root", "a-long-password", OperatorRole.Administrator);
        var cut = RenderPage();
        Assert.Equal(["root"], cut.FindAll("[data-testid=account-name]").Select(e => e.TextContent));

        var inputs = cut.FindAll("input");
        inputs[0].Change("newbie");
        cut.FindAll("input")[1].Change("another-long-password");
        await cut.Find("[data-testid=create-account]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Created Viewer 'newbie'", cut.Find("[data-testid=accounts-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal(["newbie", "root"], cut.FindAll("[data-testid=account-name]").Select(e => e.TextContent));
    }

    [Fact]
    public async Task Removing_the_last_Administrator_shows_why_it_is_refused()
    {
        await _accounts.CreateAsync("root", "a-long-password", OperatorRole.Administrator);
        var cut = RenderPage();

        await cut.Find("[data-testid=delete-root]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("last enabled Administrator", cut.Find("[data-testid=accounts-message]").TextContent, StringComparison.Ordinal));
        Assert.NotNull(await _accounts.GetAsync("root"));
    }
}

/// <summary>Renders its child content: a page next to the providers MudBlazor needs.</summary>
public sealed class ContainerFragment : ComponentBase
{
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
}
