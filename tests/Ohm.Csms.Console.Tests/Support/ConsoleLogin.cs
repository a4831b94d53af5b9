using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ohm.Csms.Accounts;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Support;

/// <summary>Logs a browser page in as a real account: created through the accounts service, then through the login form.</summary>
public static class ConsoleLogin
{
    /// <summary>The password every account made here has.</summary>
    public const string Password = "console-test-password";

    /// <summary>Creates the account <paramref name="name"/> with <paramref name="role"/> and logs <paramref name="page"/> in as it.</summary>
    public static async Task LogInAsync(IPage page, CsmsTestHost csms, string name, OperatorRole role)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(csms);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        if (await accounts.GetAsync(name) is null)
        {
            await accounts.CreateAsync(name, Password, role);
        }

        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "login").ToString());
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#password").FillAsync(Password);
        await page.GetByTestId("login").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
    }
}
