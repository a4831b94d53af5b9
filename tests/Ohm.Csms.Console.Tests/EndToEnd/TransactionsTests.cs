using Microsoft.Playwright;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Microsoft.Playwright.Assertions;

namespace Ohm.Csms.Console.Tests.EndToEnd;

/// <summary>A transaction charged over OCPP is listed, shown with its events and meter chart, and exported as CSV.</summary>
[Collection(BrowserTests.Name)]
public sealed class TransactionsTests(Chromium chromium)
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddMinutes(-5);

    private static TransactionEventRequest Event(string txId, int seqNo, TransactionEventEnumType type, double watts, double wh) => new()
    {
        EventType = type,
        SeqNo = seqNo,
        Timestamp = Start.AddMinutes(seqNo),
        TriggerReason = type == TransactionEventEnumType.Started ? TriggerReasonEnumType.CablePluggedIn
            : type == TransactionEventEnumType.Ended ? TriggerReasonEnumType.EVCommunicationLost : TriggerReasonEnumType.MeterValuePeriodic,
        TransactionInfo = new TransactionType
        {
            TransactionId = txId,
            ChargingState = ChargingStateEnumType.Charging,
            StoppedReason = type == TransactionEventEnumType.Ended ? ReasonEnumType.EVDisconnected : null,
        },
        Evse = seqNo == 0 ? new EVSEType { Id = 1, ConnectorId = 1 } : null,
        MeterValue =
        [
            new MeterValueType
            {
                Timestamp = Start.AddMinutes(seqNo),
                SampledValue =
                [
                    new SampledValueType { Value = (decimal)watts, Measurand = MeasurandEnumType.PowerActiveImport },
                    new SampledValueType { Value = (decimal)wh, Measurand = MeasurandEnumType.EnergyActiveImportRegister },
                ],
            },
        ],
    };

    // Any console page signs a new browser in as the development administrator; the not-found page is the lightest.
    private async Task<IPage> LoggedInPageAsync(CsmsTestHost csms)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "not-found").ToString());
        await Expect(page.GetByTestId("development-mode")).ToBeVisibleAsync();
        return page;
    }

    [Fact]
    public async Task A_charged_transaction_is_listed_and_its_page_shows_the_events_the_missing_seqNo_and_the_power_and_energy_charts()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        await using var station = await csms.BootedStationAsync("CS-TX1");
        await station.CallAsync(Event("tx-e2e", 0, TransactionEventEnumType.Started, 0, 0));
        await station.CallAsync(Event("tx-e2e", 1, TransactionEventEnumType.Updated, 7200, 120));
        await station.CallAsync(Event("tx-e2e", 3, TransactionEventEnumType.Updated, 7100, 360)); // seqNo 2 never arrives

        var page = await LoggedInPageAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "transactions").ToString());
        await Expect(page.GetByTestId("transaction-link")).ToHaveTextAsync("tx-e2e");
        await page.GetByTestId("transaction-link").ClickAsync();

        await Expect(page.GetByTestId("station-link")).ToHaveTextAsync("CS-TX1");
        await Expect(page.GetByTestId("transaction-event")).ToHaveCountAsync(3);
        await Expect(page.GetByTestId("seqno-gap")).ToHaveTextAsync("seqNo 2 missing");
        await Expect(page.GetByTestId("chart-power").Locator("svg path.mud-chart-line")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("chart-energy").Locator("svg path.mud-chart-line")).ToHaveCountAsync(1);

        await station.CallAsync(Event("tx-e2e", 4, TransactionEventEnumType.Updated, 7000, 480)); // live: shown without a reload
        await Expect(page.GetByTestId("transaction-event")).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task The_CSV_export_downloads_every_transaction_of_the_filter()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:AllowLoopbackWithoutKey", "true"), ("Csms:AcceptUnknown", "true"));
        await using var station = await csms.BootedStationAsync("CS-TX2");
        await station.CallAsync(Event("tx-a", 0, TransactionEventEnumType.Started, 0, 0));
        await station.CallAsync(Event("tx-a", 1, TransactionEventEnumType.Ended, 0, 1500));
        await station.CallAsync(Event("tx-b", 0, TransactionEventEnumType.Started, 0, 0));

        var page = await LoggedInPageAsync(csms);
        await page.GotoAsync(new Uri(csms.Api.BaseAddress!, "transactions").ToString());
        await Expect(page.GetByTestId("transaction-link")).ToHaveCountAsync(2);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export").ClickAsync());
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("transactions.csv", download.SuggestedFilename);
        Assert.StartsWith("stationId,transactionId,state,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["CS-TX2,tx-a,Ended", "CS-TX2,tx-b,Active"], lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(3))).Order());
        var energy = Array.IndexOf(lines[0].Split(','), "energyWh");
        var ended = lines.Single(l => l.StartsWith("CS-TX2,tx-a,Ended,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(1500m, decimal.Parse(ended[energy], System.Globalization.CultureInfo.InvariantCulture));
        Assert.EndsWith("Z", ended[Array.IndexOf(lines[0].Split(','), "endedAt")], StringComparison.Ordinal);
    }
}
