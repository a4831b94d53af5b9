using Microsoft.Playwright;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

[Collection(BrowserTests.Name)]
public sealed class DashboardTests(Chromium chromium)
{
    [Fact]
    public async Task The_dashboard_shows_a_connected_charging_station_and_its_counts_change_live_when_it_disconnects()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        var station = await csms.BootedStationAsync("CS1");
        var now = DateTimeOffset.UtcNow;
        await station.CallAsync(new StatusNotificationRequest { Timestamp = now, ConnectorStatus = ConnectorStatusEnumType.Occupied, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(Event(TransactionEventEnumType.Started, 0, now.AddSeconds(-60), 1000, ChargingStateEnumType.EVConnected));
        await station.CallAsync(Event(TransactionEventEnumType.Updated, 1, now, 1500, ChargingStateEnumType.Charging));

        var page = await chromium.NewPageAsync();
        await page.GotoAsync(csms.Api.BaseAddress!.ToString());

        await Expect(page.GetByTestId("stations-connected")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("stations-offline")).ToHaveTextAsync("0");
        await Expect(page.GetByTestId("transactions-active")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("connectors-Occupied")).ToContainTextAsync("Occupied: 1");
        await Expect(page.GetByTestId("energy-today")).ToHaveTextAsync("0.5 kWh");

        // Live: a fleet change (or, at the latest, the dashboard's 5 s timer) redraws it without a reload.
        await station.CloseAsync();
        var live = new LocatorAssertionsToHaveTextOptions { Timeout = 10_000 };
        await Expect(page.GetByTestId("stations-connected")).ToHaveTextAsync("0", live);
        await Expect(page.GetByTestId("stations-offline")).ToHaveTextAsync("1", live);
    }

    private static TransactionEventRequest Event(TransactionEventEnumType type, int seqNo, DateTimeOffset at, decimal wh, ChargingStateEnumType state) => new()
    {
        EventType = type,
        SeqNo = seqNo,
        Timestamp = at,
        TriggerReason = type == TransactionEventEnumType.Started ? TriggerReasonEnumType.CablePluggedIn : TriggerReasonEnumType.ChargingStateChanged,
        TransactionInfo = new TransactionType { TransactionId = "tx-1", ChargingState = state },
        Evse = type == TransactionEventEnumType.Started ? new EVSEType { Id = 1, ConnectorId = 1 } : null,
        MeterValue = [new MeterValueType { Timestamp = at, SampledValue = [new SampledValueType { Value = wh, Measurand = MeasurandEnumType.EnergyActiveImportRegister }] }],
    };
}
