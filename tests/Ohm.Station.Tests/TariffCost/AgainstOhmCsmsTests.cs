using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.TariffCost;

/// <summary>Block I and C17 with both of Ohm's roles: the CSMS prices the transaction, Ohm.Station shows it.</summary>
public sealed class AgainstOhmCsmsTests
{
    private const string DutchText = "Contracttarief: EUR 0,30 per kWh plus EUR 0,50 starttarief, excl. 21% btw";

    private static Task<OhmCsms> StartCsmsAsync(StationHarness h, FakeTimeProvider clock) =>
        OhmCsms.StartAsync(h, new Dictionary<string, string?> { ["Csms:CostUpdateIntervalSeconds"] = "60" }, clock);

    private static async Task<long> TariffAsync(HttpClient api, object tariff, object assignment)
    {
        var created = await api.PostAsJsonAsync("api/tariffs", new { tariff });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        (await api.PostAsJsonAsync($"api/tariffs/{id}/assignments", assignment)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>The Energy.Active.Import.Register readings the CSMS stored for the station's transactions, by time.</summary>
    private static async Task<List<(DateTimeOffset At, decimal Wh)>> ReadingsAsync(OhmCsms csms, string stationId)
    {
        await using var db = csms.App.Services.GetRequiredService<CsmsDatabase>().CreateContext();
        var docs = await db.TransactionEvents.AsNoTracking().Where(e => e.StationId == stationId && e.MeterValues != null).Select(e => e.MeterValues!).ToListAsync();
        return [.. docs.SelectMany(Metering.FromDocument)
            .SelectMany(mv => mv.SampledValue.Where(s => (s.Measurand ?? MeasurandEnumType.EnergyActiveImportRegister) == MeasurandEnumType.EnergyActiveImportRegister && s.Phase is null)
                .Select(s => (At: mv.Timestamp.ToUniversalTime(), Wh: s.Value * (decimal)Math.Pow(10, s.UnitOfMeasure?.Multiplier ?? 0) * ((s.UnitOfMeasure?.Unit ?? "Wh") == "kWh" ? 1000m : 1m))))
            .OrderBy(r => r.At)];
    }

    /// <summary>The Dutch contract tariff worked out by hand: 0.30 per kWh, 0.50 per session, 21% tax on top, cents.</summary>
    private static decimal DutchCost(List<(DateTimeOffset At, decimal Wh)> readings)
    {
        var kwh = readings.Count < 2 ? 0m : (readings[^1].Wh - readings[0].Wh) / 1000m;
        var net = Math.Round(kwh * 0.30m, 4, MidpointRounding.AwayFromZero) + 0.50m;
        return Math.Round(net, 2, MidpointRounding.AwayFromZero) + Math.Round(net * 0.21m, 2, MidpointRounding.AwayFromZero);
    }

    [Fact]
    public async Task I01_I02_I03_a_driver_with_a_Dutch_contract_tariff_sees_the_Dutch_text_gets_CostUpdated_every_interval_and_the_stored_total()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        await using var csms = await StartCsmsAsync(h, clock);
        var api = csms.Api;

        var options = h.Options("CS-OHM-I", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedInterval", "30")));
        options.Endpoint = csms.OcppEndpoint;
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-OHM-I", options: options);
        var updates = new List<(DateTimeOffset At, decimal Cost)>();
        station.Activity += line =>
        {
            if (line.Contains("shows: Cost so far", StringComparison.Ordinal) && station.TariffCost.Of(1)?.RunningCost is { } cost)
            {
                lock (updates)
                {
                    updates.Add((clock.GetUtcNow(), cost));
                }
            }
        };

        // The station's own tariff is English; the driver's contract (its token group) is Dutch and wins.
        await TariffAsync(api, new { name = "Standard", currency = "EUR", energyPerKwh = 0.40m, texts = new Dictionary<string, string> { ["en"] = "EUR 0.40 per kWh" }, defaultText = "EUR 0.40 per kWh" }, new { stationId = "CS-OHM-I" });
        await TariffAsync(
            api,
            new { name = "Contract NL", currency = "EUR", energyPerKwh = 0.30m, sessionFee = 0.50m, taxPercent = 21m, texts = new Dictionary<string, string> { ["nl"] = DutchText }, defaultText = "Contract tariff" },
            new { groupIdToken = "NL-CONTRACT" });
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "NL-DRIVER", type = "ISO14443", groupIdToken = "NL-CONTRACT", language = "nl" })).EnsureSuccessStatusCode();

        await station.Transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "NL-DRIVER"));
        Assert.Equal(DutchText, station.TariffCost.Of(1)?.TariffText);
        Assert.Contains("EVSE 1: " + DutchText, station.Simulator!.Displayed);

        // I02: a CostUpdated every 60 s of (fake) time: exactly one per 60 s advanced.
        int Count()
        {
            lock (updates)
            {
                return updates.Count;
            }
        }

        for (var n = 1; n <= 3; n++)
        {
            for (var s = 0; s < 60; s++)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(10);
            }

            await TestCsms.Until(() => Count() >= n, $"CostUpdated number {n}");
            await Task.Delay(200);
            Assert.Equal(n, Count());
        }

        List<(DateTimeOffset At, decimal Cost)> seen;
        lock (updates)
        {
            seen = [.. updates];
        }

        for (var i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].Cost > seen[i - 1].Cost, "the running cost grows while charging");
        }

        var readings = await ReadingsAsync(csms, "CS-OHM-I");
        foreach (var (at, cost) in seen)
        {
            // The CSMS priced the readings it held at the tick: those up to the tick, maybe without one that arrived with it.
            var upTo = readings.Where(r => r.At <= at).ToList();
            var candidates = new[] { DutchCost(upTo), DutchCost(upTo.Take(Math.Max(1, upTo.Count - 1)).ToList()) };
            Assert.Contains(cost, candidates);
        }

        // I03: the Ended event's answer carries the total, equal to the stored breakdown and to the tariff by hand.
        await station.Authorization.PresentTokenAsync(1, "NL-DRIVER");
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => station.TariffCost.Of(1)?.TotalCost is not null, TimeSpan.FromSeconds(60), "the total cost on the station");
        var shown = station.TariffCost.Of(1)!;
        var breakdown = await api.GetFromJsonAsync<JsonElement>($"api/stations/CS-OHM-I/transactions/{shown.TransactionId}/cost");
        Assert.True(breakdown.GetProperty("final").GetBoolean());
        Assert.Equal(shown.TotalCost, breakdown.GetProperty("total").GetDecimal());
        Assert.Equal(DutchCost(await ReadingsAsync(csms, "CS-OHM-I")), shown.TotalCost);
        Assert.Equal("EUR", breakdown.GetProperty("currency").GetString());
        Assert.Equal(0.50m, breakdown.GetProperty("fees").GetDecimal());
        var net = breakdown.GetProperty("energy").GetDecimal() + breakdown.GetProperty("fees").GetDecimal();
        Assert.Equal(Math.Round(net * 0.21m, 2, MidpointRounding.AwayFromZero), breakdown.GetProperty("tax").GetDecimal());
        Assert.Equal(Math.Round(net, 2, MidpointRounding.AwayFromZero) + breakdown.GetProperty("tax").GetDecimal(), breakdown.GetProperty("total").GetDecimal());
        Assert.Equal(1, breakdown.GetProperty("tariffVersion").GetInt32());
        Assert.Contains("EVSE 1: Total cost: " + shown.TotalCost!.Value.ToString("0.00##", System.Globalization.CultureInfo.InvariantCulture) + " EUR", station.Simulator.Displayed);
        await csms.StopAsync();
    }

    [Fact]
    public async Task C17_a_spent_prepaid_balance_stops_the_transaction_and_the_balance_ends_reduced_by_the_total()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        await using var csms = await StartCsmsAsync(h, clock);
        var api = csms.Api;
        var options = h.Options("CS-OHM-C17", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedInterval", "30")));
        options.Endpoint = csms.OcppEndpoint;
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-OHM-C17", options: options);
        await TariffAsync(api, new { name = "Standard", currency = "EUR", energyPerKwh = 0.40m, defaultText = "EUR 0.40 per kWh" }, new { stationId = "CS-OHM-C17" });
        var created = await api.PostAsJsonAsync("api/id-tokens", new { idToken = "PREPAID-1", type = "ISO14443", balance = 1.00m, balanceCurrency = "EUR" });
        var tokenId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await station.Transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "PREPAID-1"));
        var transactionId = station.Evses[1].Transaction?.Id;
        Assert.NotNull(transactionId);

        // 1.00 EUR at 0.40 per kWh is 2.5 kWh, about 14 minutes at 11 kW: the CSMS stops the transaction then.
        await clock.AdvanceUntil(TimeSpan.FromSeconds(2), () => station.Evses[1].Transaction is null, TimeSpan.FromMinutes(30), "the transaction stopped by the CSMS");
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => station.TariffCost.Of(1)?.TotalCost is not null, TimeSpan.FromSeconds(60), "the total cost");
        await using (var db = csms.App.Services.GetRequiredService<CsmsDatabase>().CreateContext())
        {
            var tx = await db.Transactions.AsNoTracking().SingleAsync(t => t.TransactionId == transactionId);
            Assert.Equal("Remote", tx.StoppedReason);
        }

        var cost = await api.GetFromJsonAsync<JsonElement>($"api/stations/CS-OHM-C17/transactions/{transactionId}/cost");
        var total = cost.GetProperty("total").GetDecimal();
        Assert.True(total >= 1.00m);
        var token = await api.GetFromJsonAsync<JsonElement>($"api/id-tokens/{tokenId}");
        Assert.Equal(1.00m - total, token.GetProperty("balance").GetDecimal());

        // Spent: the next Authorize answers NoCredit.
        Assert.Equal(AuthorizationStatusEnumType.NoCredit, await station.Authorization.PresentTokenAsync(1, "PREPAID-1"));
        await csms.StopAsync();
    }
    [Fact]
    public async Task I06_a_tariff_changed_during_charging_reaches_the_stations_display_in_the_next_TransactionEvent_answer()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        await using var csms = await StartCsmsAsync(h, clock);
        var api = csms.Api;
        var options = h.Options("CS-OHM-I06", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedInterval", "30")));
        options.Endpoint = csms.OcppEndpoint;
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-OHM-I06", options: options);
        var id = await TariffAsync(api, new { name = "Standard", currency = "EUR", energyPerKwh = 0.40m, defaultText = "EUR 0.40 per kWh" }, new { stationId = "CS-OHM-I06" });
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "I06-DRIVER", type = "ISO14443" })).EnsureSuccessStatusCode();

        await station.Transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "I06-DRIVER"));
        Assert.Equal("EUR 0.40 per kWh", station.TariffCost.Of(1)?.TariffText);

        (await api.PutAsJsonAsync($"api/tariffs/{id}", new { tariff = new { name = "Standard", currency = "EUR", energyPerKwh = 0.55m, defaultText = "EUR 0.55 per kWh from now" } })).EnsureSuccessStatusCode();
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => station.TariffCost.Of(1)?.TariffText == "EUR 0.55 per kWh from now", TimeSpan.FromSeconds(90), "the new tariff text on the station");
        Assert.Contains("EVSE 1: EUR 0.55 per kWh from now", station.Simulator!.Displayed);
        await csms.StopAsync();
    }
}
