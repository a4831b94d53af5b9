using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.EndToEnd;

[Collection(BrowserTests.Name)]
public sealed class DevelopmentLoginTests(Chromium chromium)
{
    [Fact]
    public async Task Accept_unknown_logs_a_loopback_browser_in_as_the_development_administrator_and_says_so_on_the_page()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations").ToString()); // a page that needs a role, as a new browser's first request

        Assert.EndsWith("/stations", page.Url, StringComparison.Ordinal);
        await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("development-mode")).ToBeVisibleAsync();
        await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("user")).ToContainTextAsync("development-admin (Administrator)");
    }

    [Fact]
    public async Task Without_development_mode_a_page_sends_the_browser_to_the_login_form()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "").ToString());

        await page.WaitForURLAsync(url => url.Contains("/login?returnUrl=%2F", StringComparison.Ordinal));
        await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("login")).ToBeVisibleAsync();
    }
}
