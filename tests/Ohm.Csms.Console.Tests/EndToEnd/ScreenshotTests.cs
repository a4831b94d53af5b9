using Microsoft.Playwright;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>
/// The main pages render with data at a laptop's width (light and dark) and a phone's, without a page error; the images
/// are the README's and docs/console.md's when OHM_SCREENSHOTS names a folder (docs/images), and a throwaway folder's otherwise.
/// </summary>
[Collection(BrowserTests.Name)]
public sealed class ScreenshotTests(Chromium chromium)
{
    [Fact]
    public async Task The_main_pages_render_with_a_charging_station_on_a_laptop_light_and_dark_and_on_a_phone()
    {
        var folder = Environment.GetEnvironmentVariable("OHM_SCREENSHOTS") ?? Directory.CreateTempSubdirectory("ohm-console-shots-").FullName;
        Directory.CreateDirectory(folder);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        await using var charging = await csms.BootedStationAsync("CS-0001");
        await using var idle = await csms.BootedStationAsync("CS-0002");
        await idle.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = 1, ConnectorId = 1 });
        await charging.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Occupied, EvseId = 1, ConnectorId = 1 });
        var start = DateTimeOffset.UtcNow.AddMinutes(-40);
        for (var seqNo = 0; seqNo <= 8; seqNo++)
        {
            var watts = seqNo == 0 ? 0 : 11000 - (seqNo * 400);
            await charging.CallAsync(new TransactionEventRequest
            {
                EventType = seqNo == 0 ? TransactionEventEnumType.Started : TransactionEventEnumType.Updated,
                SeqNo = seqNo,
                Timestamp = start.AddMinutes(seqNo * 5),
                TriggerReason = seqNo == 0 ? TriggerReasonEnumType.Authorized : TriggerReasonEnumType.MeterValuePeriodic,
                TransactionInfo = new TransactionType { TransactionId = "TX-DEMO-1", ChargingState = ChargingStateEnumType.Charging },
                Evse = seqNo == 0 ? new EVSEType { Id = 1, ConnectorId = 1 } : null,
                IdToken = seqNo == 0 ? new IdTokenType { IdToken = "04A1B2C3", Type = IdTokenEnumType.ISO14443 } : null,
                MeterValue =
                [
                    new MeterValueType
                    {
                        Timestamp = start.AddMinutes(seqNo * 5),
                        SampledValue =
                        [
                            new SampledValueType { Value = watts, Measurand = MeasurandEnumType.PowerActiveImport },
                            new SampledValueType { Value = seqNo * 850m, Measurand = MeasurandEnumType.EnergyActiveImportRegister },
                            new SampledValueType { Value = 30 + (seqNo * 6), Measurand = MeasurandEnumType.SoC },
                        ],
                    },
                ],
            });
        }

        var shots = new (string Name, string Path, string Ready)[]
        {
            ("console-fleet", "", "[data-testid=dashboard]"),
            ("console-stations", "stations", "[data-testid=stations-table][data-interactive=yes]"),
            ("console-station", "stations/CS-0001", "[data-testid=station-online]"),
            ("console-transaction", "transactions/TX-DEMO-1?station=CS-0001", "[data-testid=transaction-header]"),
        };
        var laptop = await chromium.NewPageAsync();
        var errors = new List<string>();
        laptop.PageError += (_, error) => errors.Add(error);
        foreach (var (name, path, ready) in shots)
        {
            await laptop.GotoAsync(new Uri(csms.Api.BaseAddress!, path).ToString());
            await Expect(laptop.Locator(ready).First).ToBeVisibleAsync();
            await laptop.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await laptop.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = false });
        }

        // Dark: the theme toggle in the app bar.
        await laptop.GotoAsync(csms.Api.BaseAddress!.ToString());
        await Expect(laptop.Locator("[data-testid=dashboard]")).ToBeVisibleAsync();
        await Expect(laptop.Locator(".mud-layout[data-interactive=yes]")).ToBeVisibleAsync();
        await laptop.GetByLabel("dark theme").ClickAsync();
        await Expect(laptop.GetByLabel("light theme")).ToBeVisibleAsync();
        await laptop.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "console-fleet-dark.png") });

        var phone = await chromium.NewPageAsync(width: 390, height: 844);
        phone.PageError += (_, error) => errors.Add(error);
        await phone.GotoAsync(new Uri(csms.Api.BaseAddress!, "transactions/TX-DEMO-1?station=CS-0001").ToString());
        await Expect(phone.Locator("[data-testid=transaction-header]")).ToBeVisibleAsync();
        await phone.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "console-transaction-phone.png") });

        Assert.Empty(errors);
        foreach (var name in shots.Select(s => s.Name).Append("console-fleet-dark").Append("console-transaction-phone"))
        {
            Assert.True(new FileInfo(Path.Combine(folder, name + ".png")).Length > 10_000, $"{name}.png is empty");
        }
    }
}
