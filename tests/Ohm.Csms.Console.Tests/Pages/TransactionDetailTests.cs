using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Ohm.Csms.Console.Components.Transactions;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Console.Tests.Support;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>A transaction's page: its header, its events with the seqNo gaps and late events shown, its meter charts.</summary>
public sealed class TransactionDetailTests
{
    private static string Meter(int minute, double watts, double wh) =>
        "[{\"timestamp\":\"" + TransactionTestStore.T0.AddMinutes(minute).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "\",\"sampledValue\":["
        + "{\"value\":" + watts.ToString(CultureInfo.InvariantCulture) + ",\"measurand\":\"Power.Active.Import\",\"unitOfMeasure\":{\"unit\":\"W\"}},"
        + "{\"value\":" + (wh / 1000).ToString(CultureInfo.InvariantCulture) + ",\"measurand\":\"Energy.Active.Import.Register\",\"unitOfMeasure\":{\"unit\":\"kWh\"}},"
        + "{\"value\":5,\"measurand\":\"Power.Active.Import\",\"phase\":\"L1\"}]}]";

    [Fact]
    public async Task The_events_show_the_missing_seqNos_and_the_offline_event_and_the_charts_plot_power_in_W_and_energy_in_Wh()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await store.AddAsync(
            TransactionTestStore.Transaction("CS-D", "tx-d"),
            (0, "Started", 0, Meter(0, 0, 0), false),
            (1, "Updated", 1, Meter(1, 7000, 100), false),
            (4, "Updated", 4, Meter(4, 11000, 600), true));
        await using var ctx = store.Context();

        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("transactions/tx-d?station=CS-D");
        var cut = ctx.Render<TransactionDetail>(p => p.Add(c => c.TransactionId, "tx-d"));

        cut.WaitForElement("[data-testid=transaction-header]");
        Assert.Equal("CS-D", cut.Find("[data-testid=station-link]").TextContent);
        Assert.Equal("1500 Wh", cut.Find("[data-testid=energy]").TextContent);
        Assert.Equal("unknown", cut.Find("[data-testid=cost]").TextContent); // no tariff applies
        Assert.Equal(["0", "1", "4"], cut.FindAll("[data-testid=transaction-event] td:first-child").Select(td => td.TextContent));
        Assert.Equal("seqNo 2 to 3 missing", Assert.Single(cut.FindAll("[data-testid=seqno-gap]")).TextContent.Trim());
        Assert.Contains("2 seqNo(s) missing", cut.Find("[data-testid=gap-summary]").TextContent, StringComparison.Ordinal);
        Assert.Single(cut.FindAll("[data-testid=flag-offline]"));
        Assert.Single(cut.FindAll("[data-testid=flag-delayed]"));

        var charts = cut.FindComponents<MeterChart>().ToDictionary(c => c.Instance.TestId, c => c.Instance.Points);
        Assert.Equal([0d, 7000, 11000], charts["chart-power"].Select(p => p.Value)); // the L1 phase value is not the total
        Assert.Equal([0d, 100, 600], charts["chart-energy"].Select(p => Math.Round(p.Value, 6))); // kWh scaled to Wh
        Assert.Equal(TransactionTestStore.T0.AddMinutes(4).UtcDateTime, charts["chart-power"][^1].At);
        Assert.Empty(charts["chart-soc"]);
        Assert.Empty(cut.FindAll("[data-testid=chart-soc]"));
        Assert.NotEmpty(cut.Find("[data-testid=chart-power]").QuerySelectorAll("svg path"));
        Assert.Equal(3, cut.FindComponents<MudChart<double>>()[0].Instance.ChartSeries[0].Data.Count);
    }

    [Fact]
    public async Task An_unknown_transaction_says_so()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await using var ctx = store.Context();

        var cut = ctx.Render<TransactionDetail>(p => p.Add(c => c.TransactionId, "nope"));

        cut.WaitForElement("[data-testid=not-found]");
    }
}
