using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.CustomerInformation;

/// <summary>N09 and N10 with both of Ohm's roles: the CSMS's API asks, Ohm.Station reports in parts and clears, and the CSMS forgets the token too.</summary>
public sealed class AgainstOhmCsmsTests
{
    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task N09_N10_the_Ohm_CSMS_gets_the_Ohm_stations_report_assembled_from_its_parts_and_a_clear_empties_the_station_and_the_CSMS()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var station = await h.StartStation("CS-OHM-N09", options: csms.StationOptions(h, "CS-OHM-N09"));
        station.CustomerInformation.PartLength = 30;
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = Drive.Token, type = "ISO14443" })).EnsureSuccessStatusCode();
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Evses[1].Transaction is not null, "a transaction");
        var tx = station.Evses[1].Transaction!.Id;
        await Drive.Do(station, "unplug");
        await TestCsms.Until(() => station.Evses[1].Transaction is null && station.QueueLength == 0, "the transaction ended and delivered");
        var token = new { idToken = Drive.Token, type = "ISO14443" };

        var report = await PostAsync(api, "api/stations/CS-OHM-N09/customer-information", new { report = true, idToken = token });

        Assert.Equal("Accepted", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.True(report.GetProperty("partsReceived").GetInt32() > 1);
        var data = report.GetProperty("data").GetString()!;
        Assert.StartsWith($"idToken {Drive.Token} (ISO14443)", data, StringComparison.Ordinal);
        Assert.Contains("authorization cache: status Accepted", data, StringComparison.Ordinal);

        var clear = await PostAsync(api, "api/stations/CS-OHM-N09/customer-information", new { report = true, clear = true, idToken = token });

        Assert.Equal("Accepted", clear.GetProperty("status").GetString());
        Assert.Contains("cleared: authorization cache entry", clear.GetProperty("data").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, clear.GetProperty("erased").GetProperty("idTokens").GetInt32());
        Assert.Equal(1, clear.GetProperty("erased").GetProperty("transactions").GetInt32());
        var stored = await api.GetFromJsonAsync<JsonElement>($"api/stations/CS-OHM-N09/transactions/{tx}");
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("transaction").GetProperty("idToken").ValueKind);
        Assert.Equal("Ended", stored.GetProperty("transaction").GetProperty("state").GetString());
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>("api/id-tokens")).GetProperty("items").EnumerateArray());

        var after = await PostAsync(api, "api/stations/CS-OHM-N09/customer-information", new { report = true, idToken = token });
        Assert.Equal($"idToken {Drive.Token} (ISO14443): no information held.", after.GetProperty("data").GetString());
        await csms.StopAsync();
    }
}
