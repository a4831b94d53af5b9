using Microsoft.Extensions.Logging.Abstractions;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Station;
using Ohm.Station.DeviceModel;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>The console follows a real Ohm station (the simulator) against the real CSMS, as an operator logged in with a password.</summary>
[Collection(BrowserTests.Name)]
public sealed class SimulatedStationTests(Chromium chromium)
{
    [Fact]
    public async Task An_operator_follows_a_simulated_station_live_from_its_connection_to_a_charging_transaction_and_its_growing_charts()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("SIM-1");
        await csms.AddTokenAsync(new { idToken = "SIM-TOKEN", type = "ISO14443" });
        var page = await chromium.NewPageAsync();
        await ConsoleLogin.LogInAsync(page, csms, "otto", OperatorRole.Operator);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "stations").ToString());
        await Expect(page.Locator("[data-testid=stations-table][data-interactive=yes]")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("online-SIM-1")).ToHaveTextAsync("Offline");

        var data = Directory.CreateTempSubdirectory("ohm-console-sim-").FullName;
        var station = new ChargingStation(new StationOptions
        {
            Endpoint = csms.OcppEndpoint,
            StationId = "SIM-1",
            Password = "station-password-16",
            DataDirectory = data,
            DefaultBootRetry = TimeSpan.FromSeconds(1),
            Config = DeviceModelConfig.Builtin().With("SampledDataCtrlr", "TxUpdatedInterval", "1"),
        }, NullLoggerFactory.Instance);
        await using (station)
        {
            await station.StartAsync();

            // The list follows the station without a reload: it connects, then its connector is taken.
            await Expect(page.GetByTestId("online-SIM-1")).ToHaveTextAsync("Online");
            await station.Transactions.PlugInAsync(1);
            await Expect(page.GetByTestId("connectors-SIM-1")).ToContainTextAsync("Occupied");

            // The driver's token starts the charge; the transaction is listed, and its page grows as meter values come in.
            await station.Authorization.PresentTokenAsync(1, "SIM-TOKEN");
            await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "transactions").ToString());
            await page.GetByTestId("transaction-link").First.ClickAsync();
            await Expect(page.GetByTestId("station-link")).ToHaveTextAsync("SIM-1");
            await Expect(page.GetByTestId("chart-power").Locator("svg path.mud-chart-line")).ToHaveCountAsync(1);
            var seen = await page.GetByTestId("transaction-event").CountAsync();
            await Expect(page.GetByTestId("transaction-event").Nth(seen + 1)).ToBeVisibleAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // the station's queue and device model are SQLite files
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; left for the system to clean.
        }
    }
}
