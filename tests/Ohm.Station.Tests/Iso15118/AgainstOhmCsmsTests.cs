using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Iso15118;

/// <summary>K15-K17 with both of Ohm's roles: the Ohm CSMS serves an Ohm station's ISO 15118 EV.</summary>
public sealed class AgainstOhmCsmsTests
{
    [Fact]
    public async Task K15_K16_K17_the_Ohm_CSMS_answers_the_EVs_needs_with_a_TxProfile_the_EV_chooses_within_it_and_the_CSMS_stores_both()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "RFID-ISO", type = "ISO14443" })).EnsureSuccessStatusCode();
        var station = await h.StartStation("CS-OHM-K15", options: csms.StationOptions(h, "CS-OHM-K15"));
        var activity = new System.Collections.Concurrent.ConcurrentQueue<string>();
        station.Activity += activity.Enqueue;

        // K15: the needs go once the transaction runs; the CSMS answers Accepted and sends a TxProfile; the EV chooses within it.
        await station.Iso15118.PlugInAsync(1, SimulatedHardware.AcEv(20000, DateTimeOffset.UtcNow.AddHours(3), maxCurrentA: 16));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "RFID-ISO"));
        await TestCsms.Until(() => station.Iso15118.Status(1) is { NeedsAnswer: NotifyEVChargingNeedsStatusEnumType.Accepted, ScheduleAnswer: GenericStatusEnumType.Accepted }, "the EV's schedule reported");
        var status = station.Iso15118.Status(1)!;
        var tx = station.Evses[1].Transaction!.Id;
        Assert.Equal(tx, status.TransactionId);
        Assert.NotNull(station.SmartCharging.TxProfile(1));
        Assert.True(Ohm.Station.Blocks.Iso15118Charging.Within(status.Selected!.ChargingSchedule, status.Offered![0]));

        JsonElement read = default;
        await TestCsms.Until(() =>
        {
            read = api.GetFromJsonAsync<JsonElement>($"api/stations/CS-OHM-K15/transactions/{tx}/charging-needs").GetAwaiter().GetResult();
            return read.ToString().Contains("20000", StringComparison.Ordinal) && read.ToString().Contains("timeBase", StringComparison.Ordinal);
        }, "the needs and the EV's schedule stored with the transaction");

        // K17: the EV renegotiates; the CSMS gets the new needs and sends a new TxProfile; the EV's new choice is stored.
        var before = station.Iso15118.Status(1)!.Negotiations;
        station.Iso15118.Renegotiate(1, SimulatedHardware.AcEv(5000, DateTimeOffset.UtcNow.AddHours(1), maxCurrentA: 10));
        await TestCsms.Until(() => station.Iso15118.Status(1) is { ScheduleAnswer: GenericStatusEnumType.Accepted } s && s.Negotiations > before
            && s.NeedsSent?.AcChargingParameters?.EnergyAmount == 5000 && s.Selected is not null, "the renegotiated schedule");
        Assert.All(station.Iso15118.Status(1)!.Selected!.ChargingSchedule.ChargingSchedulePeriod, p => Assert.True(p.Limit <= 10m || station.Iso15118.Status(1)!.Selected!.ChargingSchedule.ChargingRateUnit == ChargingRateUnitEnumType.W));

        // K16: the operator sets a new TxProfile through the API; the station renegotiates with the EV by itself.
        var negotiations = station.Iso15118.Status(1)!.Negotiations;
        var set = await api.PostAsJsonAsync("api/stations/CS-OHM-K15/charging-profiles", new
        {
            evseId = 1,
            chargingProfile = new
            {
                id = 4242,
                stackLevel = 5,
                chargingProfilePurpose = "TxProfile",
                chargingProfileKind = "Relative",
                transactionId = tx,
                chargingSchedule = new[] { new { id = 9, chargingRateUnit = "A", chargingSchedulePeriod = new[] { new { startPeriod = 0, limit = 7.0 } } } },
            },
        });
        var body = await set.Content.ReadAsStringAsync();
        Assert.True(set.IsSuccessStatusCode, body);
        Assert.Contains("Accepted", body, StringComparison.Ordinal);
        try
        {
            await TestCsms.Until(() => station.Iso15118.Status(1) is { Selected.ChargingSchedule.Id: 9, ScheduleAnswer: GenericStatusEnumType.Accepted } s && s.Negotiations > negotiations, "the K16 renegotiation", 20);
        }
        catch (TimeoutException)
        {
            var st = station.Iso15118.Status(1)!;
            throw new InvalidOperationException($"K16: negotiations {st.Negotiations} (before {negotiations}), answer {st.ScheduleAnswer}, selected {JsonSerializer.Serialize(st.Selected)}, offered {JsonSerializer.Serialize(st.Offered)}, tx {JsonSerializer.Serialize(station.SmartCharging.TxProfile(1))}\n" + string.Join("\n", activity.TakeLast(30)));
        }

        Assert.Equal(7m, station.Iso15118.Status(1)!.Selected!.ChargingSchedule.ChargingSchedulePeriod[0].Limit);
        await csms.StopAsync();
    }
}
