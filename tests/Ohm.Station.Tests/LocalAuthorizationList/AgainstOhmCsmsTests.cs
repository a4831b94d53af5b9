using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.LocalAuthorizationList;

/// <summary>Block D with both of Ohm's roles: the CSMS keeps a station's local list, Ohm.Station holds and uses it.</summary>
public sealed class AgainstOhmCsmsTests
{
    [Fact]
    public async Task D01_D02_the_Ohm_CSMS_sends_its_list_to_an_Ohm_station_then_a_change_as_a_Differential_and_shows_it_InSync()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;

        var options = csms.StationOptions(h, "CS-OHM-D");
        var station = await h.StartStation("CS-OHM-D", options: options);

        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "RFID-D1", type = "ISO14443" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = "RFID-D2", type = "ISO14443" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync("api/stations/CS-OHM-D/local-list", new
        {
            idTokens = new[] { new { idToken = "RFID-D1", type = "ISO14443" }, new { idToken = "RFID-D2", type = "ISO14443" } },
        })).EnsureSuccessStatusCode();

        await TestCsms.Until(() => station.LocalAuthList.Entries().Count == 2, "the list on the station");
        var first = station.LocalAuthList.Version;
        Assert.True(first > 0);
        Assert.All(station.LocalAuthList.Entries(), e => Assert.Equal(AuthorizationStatusEnumType.Accepted, e.Status));

        // A token blocked in the store reaches the station as a change of that entry, with a newer version.
        var tokens = await api.GetFromJsonAsync<JsonElement>("api/id-tokens?limit=500");
        var d2 = tokens.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("idToken").GetString() == "RFID-D2").GetProperty("id").GetInt64();
        (await api.PutAsJsonAsync($"api/id-tokens/{d2}", new { status = "Blocked" })).EnsureSuccessStatusCode();
        await TestCsms.Until(
            () => station.LocalAuthList.Entries().Any(e => e.IdToken.IdToken == "RFID-D2" && e.Status == AuthorizationStatusEnumType.Blocked),
            "the blocked token on the station");
        Assert.True(station.LocalAuthList.Version > first);
        Assert.Equal(2, station.LocalAuthList.Entries().Count);

        JsonElement list = default;
        await TestCsms.Until(() =>
        {
            list = api.GetFromJsonAsync<JsonElement>("api/stations/CS-OHM-D/local-list").GetAwaiter().GetResult();
            return list.GetProperty("state").GetString() == "InSync";
        }, "the CSMS's list InSync");
        Assert.Equal(station.LocalAuthList.Version, list.GetProperty("version").GetInt32());
        await csms.StopAsync();
    }
}
