using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sites;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Sites;

/// <summary>
/// Site load balancing with both of Ohm's roles: the real CSMS's balancer shares a site's limit among real Ohm.Station
/// stations, whose simulated EVs draw what their TxProfile allows; the site's total is read from the meter values the
/// stations report (clock-aligned, so that every EVSE samples at the same instant), on a fake clock.
/// </summary>
public sealed class SiteBalancingTests
{
    private const decimal VoltsTimesPhases = 230m * 3;

    private static DeviceModelConfig Config(int alignedSeconds) => StationHarness.Config(c => c
        .With("AlignedDataCtrlr", "Interval", alignedSeconds.ToString(CultureInfo.InvariantCulture))
        .With("AlignedDataCtrlr", "Measurands", "Energy.Active.Import.Register,Power.Active.Import"));

    private sealed class Site(StationHarness harness, OhmCsms csms, FakeTimeProvider clock, List<ChargingStation> stations)
    {
        public OhmCsms Csms => csms;

        public FakeTimeProvider Clock => clock;

        public List<ChargingStation> Stations => stations;

        public SiteBalancer Balancer => csms.App.Services.GetRequiredService<SiteBalancer>();

        public StationHarness Harness => harness;

        public List<string> Views { get; } = [];

        public void Watch() => Balancer.Computed += v =>
        {
            lock (Views)
            {
                Views.Add(string.Join(" ", v.Evses.Where(e => e.TransactionId is not null).Select(e => $"{e.StationId[^2..]}/{e.EvseId}:{e.Allocated}({e.Measured},{e.State})")));
            }
        };

        /// <summary>Waits until the stations have nothing queued and the balancer and the CSMS's own work are idle, several checks in a row.</summary>
        public async Task SettleAsync()
        {
            var background = csms.App.Services.GetRequiredService<Ohm.Csms.BackgroundWork>();
            var quiet = 0;
            try
            {
                await TestCsms.Until(
                    () =>
                    {
                        quiet = stations.All(s => s.QueueLength == 0) && !Balancer.IsBusy && background.Count == 0 ? quiet + 1 : 0;
                        return quiet >= 3;
                    },
                    "the site to settle",
                    seconds: 20);
            }
            catch (TimeoutException ex)
            {
                throw new TimeoutException($"{ex.Message}: queues {string.Join(",", stations.Select(s => s.QueueLength))}, balancer busy {Balancer.IsBusy}, background {background.Count}, pending {Balancer.Pending}, computed {Views.Count}: {string.Join(" | ", Views.TakeLast(3))}", ex);
            }
        }

        public async Task AdvanceAsync(int seconds)
        {
            clock.Advance(TimeSpan.FromSeconds(seconds));

            await SettleAsync();
        }
    }

    private static async Task<Site> StartSiteAsync(StationHarness h, int stationCount, decimal limit, int alignedSeconds, decimal evPowerW = 11000m)
    {
        var clock = FakeClock.Create();
        var csms = await OhmCsms.StartAsync(h, new Dictionary<string, string?> { ["Csms:SmartCharging:Balancer:Threshold"] = "1" }, clock);
        var stations = new List<ChargingStation>();
        for (var i = 1; i <= stationCount; i++)
        {
            var id = $"CS-SITE-{i:00}";
            var options = h.Options(id, Config(alignedSeconds));
            options.Endpoint = csms.OcppEndpoint;
            options.TimeProvider = clock;
            options.DefaultEvPowerW = evPowerW;
            stations.Add(await h.StartStation(id, options: options));
            for (var evse = 1; evse <= 2; evse++)
            {
                (await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = Token(i, evse), type = "ISO14443" })).EnsureSuccessStatusCode();
            }
        }

        var created = await csms.Api.PostAsJsonAsync("api/sites", new { id = "depot", name = "Depot", limit, limitUnit = "A" });
        Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var members = await csms.Api.PutAsJsonAsync("api/sites/depot/members", stations.Select(s => new { stationId = s.Id, evseCount = 2 }).ToList());
        Assert.True(members.IsSuccessStatusCode, await members.Content.ReadAsStringAsync());
        var site = new Site(h, csms, clock, stations);
        site.Watch();
        await site.SettleAsync();
        return site;
    }

    private static string Token(int station, int evse) => $"EV-{station:00}-{evse}";

    /// <summary>The clock-aligned Power.Active.Import samples the stations reported, per timestamp, in A per phase per EVSE.</summary>
    private static async Task<SortedDictionary<DateTimeOffset, Dictionary<string, decimal>>> AlignedSamplesAsync(OhmCsms csms)
    {
        await using var db = csms.App.Services.GetRequiredService<CsmsDatabase>().CreateContext();
        var events = await db.TransactionEvents.AsNoTracking().Where(e => e.TriggerReason == "MeterValueClock" && e.MeterValues != null)
            .Select(e => new { e.StationId, e.EvseId, e.TransactionId, e.MeterValues }).ToListAsync();
        var evseOf = await db.Transactions.AsNoTracking().ToDictionaryAsync(t => (t.StationId, t.TransactionId), t => t.EvseId);
        var samples = new SortedDictionary<DateTimeOffset, Dictionary<string, decimal>>();
        foreach (var e in events)
        {
            foreach (var mv in Metering.FromDocument(e.MeterValues!))
            {
                var power = mv.SampledValue.FirstOrDefault(s => s.Measurand == MeasurandEnumType.PowerActiveImport && s.Phase is null);
                if (power is null)
                {
                    continue;
                }

                var at = mv.Timestamp.ToUniversalTime();
                if (!samples.TryGetValue(at, out var row))
                {
                    samples[at] = row = [];
                }

                row[$"{e.StationId}/{e.EvseId ?? evseOf[(e.StationId, e.TransactionId)]}"] = power.Value / VoltsTimesPhases;
            }
        }

        return samples;
    }

    private static async Task<SiteAllocationView> AllocationAsync(Site site)
    {
        var view = await site.Csms.Api.GetFromJsonAsync<JsonElement>("api/sites/depot/allocation");
        var evses = view.GetProperty("evses").EnumerateArray().Select(e => new EvseAllocationView(
            e.GetProperty("stationId").GetString()!, e.GetProperty("evseId").GetInt32(), e.GetProperty("siteId").GetString()!, e.GetProperty("state").GetString()!,
            e.GetProperty("allocated").GetDecimal(), e.GetProperty("measured").ValueKind == JsonValueKind.Null ? null : e.GetProperty("measured").GetDecimal(),
            e.GetProperty("transactionId").ValueKind == JsonValueKind.Null ? null : e.GetProperty("transactionId").GetString(), null, null, null)).ToList();
        return new SiteAllocationView("depot", view.GetProperty("limit").GetDecimal(), view.GetProperty("at").GetDateTimeOffset(), evses);
    }

    [Fact]
    public async Task Sites_ten_stations_on_100_A_never_exceed_the_limit_each_EV_gets_6_A_or_is_paused_and_a_raised_limit_gives_more()
    {
        await using var h = await StationHarness.StartAsync();
        var site = await StartSiteAsync(h, stationCount: 10, limit: 100m, alignedSeconds: 10);
        await using var csms = site.Csms;
        var random = new Random(20261203);
        var plot = new StringBuilder();
        var evseKeys = site.Stations.SelectMany(s => new[] { $"{s.Id}/1", $"{s.Id}/2" }).ToList();
        plot.Append("t_s,limit,total_measured,total_allocated,").AppendJoin(',', evseKeys.Select(k => "alloc_" + k)).Append(',').AppendJoin(',', evseKeys.Select(k => "meas_" + k)).AppendLine();
        var start = site.Clock.GetUtcNow();
        var limit = 100m;

        async Task RecordAsync()
        {
            var view = await AllocationAsync(site);
            var samples = await AlignedSamplesAsync(csms);
            var now = site.Clock.GetUtcNow();
            var row = samples.LastOrDefault(s => s.Key <= now).Value ?? [];
            var allocated = evseKeys.Select(k => view.Evses.FirstOrDefault(e => $"{e.StationId}/{e.EvseId}" == k)?.Allocated ?? 0m).ToList();
            var measured = evseKeys.Select(k => row.GetValueOrDefault(k)).ToList();
            plot.Append(CultureInfo.InvariantCulture, $"{(now - start).TotalSeconds},{limit},{measured.Sum():0.##},{allocated.Sum():0.##},")
                .AppendJoin(',', allocated.Select(a => a.ToString("0.##", CultureInfo.InvariantCulture))).Append(',')
                .AppendJoin(',', measured.Select(m => m.ToString("0.##", CultureInfo.InvariantCulture))).AppendLine();
        }

        // EVs arrive, charge, suspend (SuspendedEV), resume and leave at random; every 10 s of the fake clock the stations
        // report clock-aligned meter values.
        for (var step = 0; step < 24; step++)
        {
            for (var i = 0; i < site.Stations.Count; i++)
            {
                var station = site.Stations[i];
                for (var evse = 1; evse <= 2; evse++)
                {
                    var roll = random.NextDouble();
                    var state = station.Evses[evse];
                    if (!state.Plugged)
                    {
                        if (roll < 0.35)
                        {
                            await station.Transactions.PlugInAsync(evse);
                            await station.Authorization.PresentTokenAsync(evse, Token(i + 1, evse));
                        }
                    }
                    else if (station.Simulator!.RequestedPowerW(evse) == 0m)
                    {
                        if (roll < 0.4)
                        {
                            await station.Transactions.SetEvPowerAsync(evse, 11000m);
                        }
                        else if (roll < 0.5)
                        {
                            await station.Transactions.UnplugAsync(evse);
                        }
                    }
                    else if (roll < 0.08)
                    {
                        await station.Transactions.SetEvPowerAsync(evse, 0m);
                    }
                    else if (roll < 0.16)
                    {
                        await station.Transactions.UnplugAsync(evse);
                    }
                }
            }

            await site.SettleAsync();
            await site.AdvanceAsync(10);
            await RecordAsync();
        }

        // Everyone plugged in and drawing: then the limit is raised.
        for (var i = 0; i < site.Stations.Count; i++)
        {
            for (var evse = 1; evse <= 2; evse++)
            {
                var station = site.Stations[i];
                if (!station.Evses[evse].Plugged)
                {
                    await station.Transactions.PlugInAsync(evse);
                    await station.Authorization.PresentTokenAsync(evse, Token(i + 1, evse));
                }
                else if (station.Simulator!.RequestedPowerW(evse) == 0m)
                {
                    await station.Transactions.SetEvPowerAsync(evse, 11000m);
                }
            }
        }

        await site.SettleAsync();
        await site.AdvanceAsync(10);
        await RecordAsync();
        var before = await AllocationAsync(site);
        var drawingBefore = (await AlignedSamplesAsync(csms)).Last().Value.Values.Sum();

        limit = 200m;
        (await csms.Api.PutAsJsonAsync("api/sites/depot/limit", new { limit })).EnsureSuccessStatusCode();
        await site.SettleAsync();
        for (var step = 0; step < 3; step++)
        {
            await site.AdvanceAsync(10);
            await RecordAsync();
        }

        var after = await AllocationAsync(site);
        var drawingAfter = (await AlignedSamplesAsync(csms)).Last().Value.Values.Sum();

        // From every clock-aligned meter value: the site's total within its limit (100 A, then 200 A), each EV at 6 A or more, or at 0.
        var raisedAt = site.Clock.GetUtcNow().AddSeconds(-30);
        var samples = await AlignedSamplesAsync(csms);
        Assert.True(samples.Count >= 24, $"{samples.Count} aligned sample times");
        foreach (var (at, row) in samples)
        {
            var siteLimit = at < raisedAt ? 100m : 200m;
            Assert.True(row.Values.Sum() <= siteLimit + 0.1m, $"at {at:O} the site drew {row.Values.Sum():0.0} A > {siteLimit} A");
            foreach (var (evse, amps) in row)
            {
                Assert.True(amps < 0.1m || amps >= 5.9m, $"at {at:O} {evse} drew {amps:0.00} A: between 0 and 6 A");
            }
        }

        Assert.True(samples.Values.Any(r => r.Values.Sum() > 90m), "the site was used up to its limit at times");
        Assert.Contains(samples.Values, r => r.Values.Any(a => a < 0.1m));

        // The raised limit: every EV gets at least as much as before, the site more in total, and it draws more.
        Assert.Equal(100m, before.Limit);
        Assert.Equal(200m, after.Limit);
        Assert.True(after.Evses.Sum(e => e.Allocated) > before.Evses.Sum(e => e.Allocated) + 50m, $"allocated {before.Evses.Sum(e => e.Allocated)} A, then {after.Evses.Sum(e => e.Allocated)} A");
        foreach (var e in after.Evses.Where(e => e.TransactionId is not null))
        {
            var was = before.Evses.Single(b => b.StationId == e.StationId && b.EvseId == e.EvseId);
            Assert.True(e.Allocated >= was.Allocated, $"{e.StationId}/{e.EvseId}: {was.Allocated} A, then {e.Allocated} A");
        }

        Assert.True(drawingAfter > drawingBefore + 50m, $"drew {drawingBefore:0.0} A, then {drawingAfter:0.0} A");
        Assert.InRange(drawingAfter, 150m, 200.1m);

        // The history holds the allocations as they changed.
        var history = await csms.Api.GetFromJsonAsync<JsonElement>($"api/sites/depot/allocation/history?from={Uri.EscapeDataString(start.ToString("O"))}");
        Assert.True(history.GetArrayLength() > 20);

        if (Environment.GetEnvironmentVariable("OHM_SITE_PLOT_CSV") is { Length: > 0 } target)
        {
            var path = target.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(target) : Path.Combine(AppContext.BaseDirectory, "site-allocation.csv");
            await File.WriteAllTextAsync(path, plot.ToString());
        }
    }

    [Fact]
    public async Task Sites_K15_the_EV_that_leaves_earlier_gets_its_energy_first()
    {
        await using var h = await StationHarness.StartAsync();
        var site = await StartSiteAsync(h, stationCount: 1, limit: 32m, alignedSeconds: 300, evPowerW: 22000m);
        await using var csms = site.Csms;
        var station = site.Stations[0];
        var computed = new StringBuilder();
        site.Balancer.Computed += v =>
        {
            lock (computed)
            {
                computed.Append(string.Join('/', v.Evses.Select(e => $"{e.Allocated}({e.Measured};{e.RequiredCurrent:0.0};{e.State})"))).Append("; ");
            }
        };

        // K15: two ISO 15118 EVs need 15 kWh each; EVSE 2's leaves in 1 hour, EVSE 1's in 8 hours. Each station sends
        // NotifyEVChargingNeeds once its transaction runs; the CSMS stores the needs and leaves the profile to the balancer.
        var now = site.Clock.GetUtcNow();
        foreach (var (evse, hours) in new[] { (1, 8), (2, 1) })
        {
            await station.Iso15118.PlugInAsync(evse, SimulatedHardware.AcEv(15000, now.AddHours(hours), maxCurrentA: 32));
            await station.Authorization.PresentTokenAsync(evse, Token(1, evse));
        }

        var database = csms.App.Services.GetRequiredService<CsmsDatabase>();
        await TestCsms.Until(() =>
        {
            using var db = database.CreateContext();
            return db.EvChargingNeeds.Count(n => n.StationId == station.Id) == 2;
        }, "both EVs' needs stored by the CSMS");
        await site.SettleAsync();

        var first = await AllocationAsync(site);
        var early = first.Evses.Single(e => e.EvseId == 2);
        var late = first.Evses.Single(e => e.EvseId == 1);
        Assert.True(early.Allocated > late.Allocated + 5m, $"early {early.Allocated} A, late {late.Allocated} A: " + computed);
        Assert.True(early.Allocated + late.Allocated <= 32m);

        decimal Delivered(int evse) => station.Hardware.Meter.Read(evse, MeasurandEnumType.EnergyActiveImportRegister)!.Value;
        var startWh = new[] { 0m, Delivered(1), Delivered(2) };
        var minutes = 0;
        var trace = new StringBuilder();
        while (Delivered(2) - startWh[2] < 15000m)
        {
            minutes += 5;
            Assert.True(minutes < 120, "the early EV got its energy within 2 hours: " + trace);
            await site.AdvanceAsync(300);
            var view = await AllocationAsync(site);
            trace.Append(CultureInfo.InvariantCulture, $"{minutes}: {string.Join('/', view.Evses.Select(e => $"{e.Allocated}({e.Measured})"))}; ");
        }

        Assert.True(minutes <= 70, $"the early EV took {minutes} minutes for 15 kWh");
        Assert.True(Delivered(1) - startWh[1] < 15000m - 5000m, $"the late EV got {Delivered(1) - startWh[1]:0} Wh meanwhile: " + trace);

        // Its needs met, the early EV no longer has a deadline: the two share fairly.
        await site.AdvanceAsync(300);
        var then = await AllocationAsync(site);
        Assert.Equal(16m, then.Evses.Single(e => e.EvseId == 1).Allocated);
        Assert.Equal(16m, then.Evses.Single(e => e.EvseId == 2).Allocated);
    }
}
