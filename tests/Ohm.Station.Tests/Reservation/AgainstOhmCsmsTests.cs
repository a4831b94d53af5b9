using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Reservation;

/// <summary>Block H with both of Ohm's roles: reservations made and cancelled through the Ohm CSMS's API, held and used by Ohm.Station.</summary>
public sealed class AgainstOhmCsmsTests
{
    [Fact]
    public async Task H01_H02_H03_the_Ohm_CSMS_reserves_an_EVSE_of_an_Ohm_station_the_reserving_token_uses_it_and_the_CSMS_shows_it_Used()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;

        var options = csms.StationOptions(h, "CS-OHM-H");
        var station = await h.StartStation("CS-OHM-H", options: options);
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "RFID-H1", type = "ISO14443" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "RFID-H2", type = "ISO14443" })).EnsureSuccessStatusCode();

        // H01: EVSE 1 reserved for RFID-H1; the station holds it and its connector is Reserved.
        var made = await api.PostAsJsonAsync("api/stations/CS-OHM-H/reservations", new
        {
            evseId = 1,
            idToken = new { idToken = "RFID-H1", type = "ISO14443" },
            expiryDateTime = DateTimeOffset.UtcNow.AddHours(1),
        });
        var body = await made.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(made.IsSuccessStatusCode, body.ToString());
        Assert.Equal("Accepted", body.GetProperty("state").GetString());
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal(id, Assert.Single(station.Reservation.Active()).Id);
        Assert.Equal(ConnectorStatusEnumType.Reserved, station.Availability.StatusOf(station.Evses[1]));

        // The CSMS refuses a second reservation of EVSE 1 without asking the station.
        var again = await api.PostAsJsonAsync("api/stations/CS-OHM-H/reservations", new
        {
            evseId = 1,
            idToken = new { idToken = "RFID-H2", type = "ISO14443" },
            expiryDateTime = DateTimeOffset.UtcNow.AddHours(1),
        });
        Assert.Equal(409, (int)again.StatusCode);
        Assert.Single(station.Reservation.Active());

        // H02: a reservation of EVSE 2 cancelled through the API leaves the station.
        var second = await (await api.PostAsJsonAsync("api/stations/CS-OHM-H/reservations", new
        {
            evseId = 2,
            idToken = new { idToken = "RFID-H2", type = "ISO14443" },
            expiryDateTime = DateTimeOffset.UtcNow.AddHours(1),
        })).Content.ReadFromJsonAsync<JsonElement>();
        var secondId = second.GetProperty("id").GetInt32();
        Assert.Equal(2, station.Reservation.Active().Count);
        var cancelled = await (await api.PostAsJsonAsync($"api/reservations/{secondId}/cancel", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Cancelled", cancelled.GetProperty("state").GetString());
        Assert.Equal(id, Assert.Single(station.Reservation.Active()).Id);

        // H03: another token is refused at EVSE 1; the reserving token starts a transaction there, which uses the reservation.
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisTime, await station.Authorization.PresentTokenAsync(1, "RFID-H2"));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "RFID-H1"));
        await station.Transactions.PlugInAsync(1);
        await TestCsms.Until(() => station.Evses[1].Transaction is not null, "the transaction on EVSE 1");
        var transactionId = station.Evses[1].Transaction!.Id;
        Assert.Empty(station.Reservation.Active());

        JsonElement read = default;
        await TestCsms.Until(() =>
        {
            read = api.GetFromJsonAsync<JsonElement>($"api/reservations/{id}").GetAwaiter().GetResult();
            return read.GetProperty("state").GetString() == "Used";
        }, "the reservation Used on the CSMS");
        Assert.Equal(transactionId, read.GetProperty("transactionId").GetString());
        var used = await api.GetFromJsonAsync<JsonElement>("api/reservations?stationId=CS-OHM-H&state=Used");
        Assert.Equal(1, used.GetProperty("total").GetInt32());
        await csms.StopAsync();
    }

    [Fact]
    public async Task H04_an_Ohm_station_expires_a_reservation_by_its_clock_and_the_Ohm_CSMS_stores_it_Expired()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var clock = FakeClock.Create(DateTimeOffset.UtcNow);
        var options = csms.StationOptions(h, "CS-OHM-H4");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-OHM-H4", options: options);

        // The CSMS's clock is the real one: 10 minutes from now has not passed for it when the station's clock passes it.
        var made = await (await api.PostAsJsonAsync("api/stations/CS-OHM-H4/reservations", new
        {
            evseId = 2,
            idToken = new { idToken = "RFID-H4", type = "ISO14443" },
            expiryDateTime = DateTimeOffset.UtcNow.AddMinutes(10),
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Accepted", made.GetProperty("state").GetString());
        var id = made.GetProperty("id").GetInt32();
        Assert.Equal(ConnectorStatusEnumType.Reserved, station.Availability.StatusOf(station.Evses[2]));

        await clock.AdvanceUntil(TimeSpan.FromSeconds(30), () => station.Reservation.Active().Count == 0, TimeSpan.FromMinutes(15), "the reservation expired on the station");
        Assert.Equal(ConnectorStatusEnumType.Available, station.Availability.StatusOf(station.Evses[2]));
        JsonElement read = default;
        await TestCsms.Until(() =>
        {
            read = api.GetFromJsonAsync<JsonElement>($"api/reservations/{id}").GetAwaiter().GetResult();
            return read.GetProperty("state").GetString() == "Expired";
        }, "the reservation Expired on the CSMS");
        Assert.True(DateTimeOffset.UtcNow < read.GetProperty("expiryDateTime").GetDateTimeOffset(), "Expired by the station's update, not by the CSMS's clock");
        await csms.StopAsync();
    }
}
