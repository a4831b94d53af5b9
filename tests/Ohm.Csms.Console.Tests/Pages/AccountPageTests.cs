using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Ohm.Csms.Accounts;
using AccountPage = Ohm.Csms.Console.Pages.Account;

namespace Ohm.Csms.Console.Tests.Pages;

public sealed class AccountPageTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();
    private readonly FakeOperatorAccounts _accounts = new();

    public AccountPageTests()
    {
        _context.Services.AddMudServices();
        _context.Services.AddSingleton<IOperatorAccounts>(_accounts);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => _context.Render<ContainerFragment>(p => p.AddChildContent(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<AccountPage>(1);
        b.CloseComponent();
    }));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_new_key_is_shown_once_then_listed_without_its_secret_and_can_be_revoked()
    {
        await _accounts.CreateAsync("alice", "a-long-password", OperatorRole.Viewer);
        _context.AddAuthorization().SetAuthorized("alice").SetRoles(nameof(OperatorRole.Viewer));
        var cut = RenderPage();

        cut.Find("input").Change("ci");
        await cut.Find("[data-testid=create-key]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("ohm_abcdef012345_secret1", cut.Find("[data-testid=new-key]").TextContent));
        Assert.Equal("ci", cut.Find("[data-testid=key-row-label]").TextContent);
        Assert.DoesNotContain("secret1", cut.Find("[data-testid=keys]").TextContent, StringComparison.Ordinal);

        await cut.Find("[data-testid=revoke-1]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Equal("revoked", cut.Find("[data-testid=key-state]").TextContent));
    }

    [Fact]
    public void The_development_administrator_is_told_it_has_no_keys()
    {
        _context.AddAuthorization().SetAuthorized(ConsoleOptions.DevelopmentAccount).SetRoles(nameof(OperatorRole.Administrator));
        var cut = RenderPage();

        Assert.Contains("not a stored account", cut.Find("[data-testid=no-account]").TextContent, StringComparison.Ordinal);
    }
}
