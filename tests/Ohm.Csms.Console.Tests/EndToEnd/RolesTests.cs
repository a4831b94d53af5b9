using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>Real accounts (no development login): what a Viewer and an Operator may do from the console and the API, and the audit of it.</summary>
[Collection(BrowserTests.Name)]
public sealed class RolesTests(Chromium chromium)
{
    [Fact]
    public async Task A_viewer_gets_no_command_button_and_the_command_endpoint_refuses_the_viewers_key_while_an_operators_reset_is_sent_and_audited_for_the_administrator()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var handlers = new OcppHandlers().On(OcppActions.Reset, (_, _, _) => ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Scheduled }));
        await using var station = await csms.BootedStationAsync("CS-ROLES", handlers);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();

        // The Viewer: the station page shows the station but offers no command.
        var viewer = await chromium.NewPageAsync();
        await ConsoleLogin.LogInAsync(viewer, csms, "vera", OperatorRole.Viewer);
        await viewer.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations/CS-ROLES").ToString());
        await Expect(viewer.GetByTestId("station-online")).ToHaveTextAsync("Online");
        await Expect(viewer.GetByTestId("command-send")).ToHaveCountAsync(0);

        // ...and the endpoint refuses the Viewer's own API key, naming the role needed.
        var viewerKey = await accounts.CreateKeyAsync("vera", "script");
        using var api = new HttpClient { BaseAddress = csms.Api.BaseAddress };
        using var refused = new HttpRequestMessage(HttpMethod.Post, "api/stations/CS-ROLES/commands/reset") { Content = new StringContent("""{"type":"Immediate"}""", System.Text.Encoding.UTF8, "application/json") };
        refused.Headers.Add("X-Api-Key", viewerKey.Key);
        var answer = await api.SendAsync(refused);
        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Contains("Operator", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The Operator sends the reset from the same page and sees the station's answer; the audit log names the account.
        var operatorPage = await chromium.NewPageAsync();
        await ConsoleLogin.LogInAsync(operatorPage, csms, "olivia", OperatorRole.Operator);
        await operatorPage.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations/CS-ROLES").ToString());
        await Expect(operatorPage.GetByTestId("station-online")).ToHaveTextAsync("Online");
        await operatorPage.GetByTestId("command-send").ClickAsync();
        await Expect(operatorPage.GetByTestId("command-result")).ToHaveTextAsync("Scheduled");

        var (entries, _) = await csms.App.Services.GetRequiredService<AuditLog>().PageAsync(account: null, stationId: "CS-ROLES", beforeId: null, limit: 10);
        var entry = Assert.Single(entries);
        Assert.Equal(("olivia", "Reset", "Answered"), (entry.Account, entry.Action, entry.Outcome));

        // The administrator reads it on the audit page.
        var admin = await chromium.NewPageAsync();
        await ConsoleLogin.LogInAsync(admin, csms, "ada", OperatorRole.Administrator);
        await admin.GotoAsync(new Uri(csms.Api.BaseAddress!, "audit").ToString());
        await Expect(admin.GetByTestId("audit-row-account")).ToHaveTextAsync("olivia");
    }
}
