using Microsoft.Playwright;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>Real accounts in the browser: the password login, the logout, a wrong password, and a Viewer kept out of /accounts.</summary>
[Collection(BrowserTests.Name)]
public sealed class AccountsTests(Chromium chromium)
{
    [Fact]
    public async Task An_Administrator_logs_in_with_a_password_sees_the_accounts_page_and_logs_out()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var page = await chromium.NewPageAsync();

        await ConsoleLogin.LogInAsync(page, csms, "root", OperatorRole.Administrator);
        await Expect(page.GetByTestId("user")).ToContainTextAsync("root (Administrator)");
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "accounts").ToString());
        await Expect(page.GetByTestId("account-name").First).ToHaveTextAsync("root");

        await page.GetByTestId("logout").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "accounts").ToString());
        await Expect(page.GetByTestId("login")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_and_a_Viewer_is_refused_the_accounts_page()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var page = await chromium.NewPageAsync();
        await ConsoleLogin.LogInAsync(page, csms, "watcher", OperatorRole.Viewer);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "accounts").ToString());
        await Expect(page.GetByText("Your role does not allow this page.").Or(page.GetByTestId("login"))).ToBeVisibleAsync();
        await Expect(page.GetByTestId("account-name")).ToHaveCountAsync(0);

        var other = await chromium.NewPageAsync();
        await other.GotoAsync(new Uri(csms.Api.BaseAddress!, "login").ToString());
        await other.Locator("#name").FillAsync("watcher");
        await other.Locator("#password").FillAsync("not-the-password");
        await other.GetByTestId("login").ClickAsync();
        await Expect(other.GetByTestId("login-error")).ToBeVisibleAsync();
    }
}
