using Microsoft.Playwright;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

[Collection(BrowserTests.Name)]
public sealed class StationsTests(Chromium chromium)
{
    private static Task<CsmsTestHost> StartAsync() =>
        CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));

    /// <summary>A browser signed in as the development administrator (any console page does it; the not-found page is the lightest).</summary>
    private async Task<IPage> SignedInPageAsync(CsmsTestHost csms)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "not-found").ToString());
        await Expect(page.GetByTestId("user")).ToContainTextAsync("development-admin");
        return page;
    }

    private static ILocator Input(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task A_booted_station_appears_in_the_list_and_its_connector_status_changes_live_without_reload()
    {
        await using var csms = await StartAsync();
        await using var station = await csms.BootedStationAsync("CS-LIVE");
        var page = await SignedInPageAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations").ToString());
        await Expect(page.Locator("[data-testid=stations-table][data-interactive=yes]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("station-link")).ToHaveTextAsync("CS-LIVE");
        await Expect(page.GetByTestId("online-CS-LIVE")).ToHaveTextAsync("Online");

        await station.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = 1, ConnectorId = 1 });
        await Expect(page.GetByTestId("connectors-CS-LIVE")).ToContainTextAsync("1 Available");
        await station.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Faulted, EvseId = 1, ConnectorId = 1 });
        await Expect(page.GetByTestId("connectors-CS-LIVE")).ToContainTextAsync("1 Faulted");
        await Expect(page.Locator("tr.ohm-faulted")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task A_reset_sent_from_the_station_page_shows_the_stations_answer()
    {
        await using var csms = await StartAsync();
        var handlers = new OcppHandlers().On(OcppActions.Reset, (_, _, _) => ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Scheduled }));
        await using var station = await csms.BootedStationAsync("CS-RESET", handlers);
        var page = await SignedInPageAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations/CS-RESET").ToString());
        await Expect(page.GetByTestId("station-online")).ToHaveTextAsync("Online");

        await page.GetByTestId("command-send").ClickAsync();

        await Expect(page.GetByTestId("command-result")).ToHaveTextAsync("Scheduled");
    }

    [Fact]
    public async Task Editing_a_device_model_value_sends_set_variables_and_shows_accepted()
    {
        await using var csms = await StartAsync();
        var set = new List<SetVariableDataType>();
        var handlers = new OcppHandlers()
            .On(OcppActions.GetVariables, (request, _, _) => ValueTask.FromResult(new GetVariablesResponse
            {
                GetVariableResult = [.. request.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownVariable, Component = d.Component, Variable = d.Variable })],
            }))
            .On(OcppActions.SetVariables, (request, _, _) =>
            {
                set.AddRange(request.SetVariableData);
                return ValueTask.FromResult(new SetVariablesResponse
                {
                    SetVariableResult = [.. request.SetVariableData.Select(d => new SetVariableResultType { AttributeStatus = SetVariableStatusEnumType.Accepted, AttributeType = d.AttributeType, Component = d.Component, Variable = d.Variable })],
                });
            });
        await using var station = await csms.BootedStationAsync("CS-DM", handlers);
        await station.CallAsync(new NotifyReportRequest
        {
            RequestId = 1, GeneratedAt = DateTimeOffset.UtcNow, SeqNo = 0,
            ReportData =
            [
                new ReportDataType
                {
                    Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "HeartbeatInterval" },
                    VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = "300", Mutability = MutabilityEnumType.ReadWrite }],
                    VariableCharacteristics = new VariableCharacteristicsType { DataType = DataEnumType.Integer, Unit = "s", SupportsMonitoring = false },
                },
            ],
        });
        var page = await SignedInPageAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations/CS-DM").ToString());

        await Input(page, "device-model-search").FillAsync("Heartbeat");
        var row = page.GetByTestId("attribute-OCPPCommCtrlr.HeartbeatInterval.Actual");
        await row.GetByTestId("edit").ClickAsync();
        await Input(page, "edit-value").FillAsync("60");
        await page.GetByTestId("save-value").ClickAsync();

        await Expect(row.GetByTestId("set-result")).ToHaveTextAsync("Accepted");
        await Expect(row.GetByTestId("value")).ToHaveTextAsync("60");
        Assert.Equal("60", Assert.Single(set).AttributeValue);
    }
}
