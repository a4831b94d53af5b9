using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.DisplayMessages;

/// <summary>Block O with both of Ohm's roles: the CSMS's API sets, reports and clears display messages; Ohm.Station holds and shows them.</summary>
public sealed class AgainstOhmCsmsTests
{
    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<int>> StoredAsync(HttpClient api, string stationId) =>
        [.. (await api.GetFromJsonAsync<JsonElement>($"api/stations/{stationId}/display-messages")).GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetInt32())];

    [Fact]
    public async Task O01_O02_O03_O05_the_Ohm_CSMS_sets_a_message_an_Ohm_station_shows_it_the_report_is_stored_and_clearing_empties_both()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var options = csms.StationOptions(h, "CS-OHM-O");
        var station = await h.StartStation("CS-OHM-O", options: options);

        // O01: in two languages, one message each; the station's displays are in English.
        var set = await PostAsync(api, "api/stations/CS-OHM-O/display-messages", new
        {
            id = 1,
            priority = "NormalCycle",
            messages = new[] { new { format = "UTF8", language = "en", content = "Welcome to Ohm" }, new { format = "UTF8", language = "nl", content = "Welkom bij Ohm" } },
        });
        Assert.Equal("Accepted", set.GetProperty("status").GetString());
        Assert.Equal([1, 2], station.DisplayMessage.Messages().Select(m => m.Id));
        Assert.Equal("Welcome to Ohm", station.Simulator!.ShowingMessage(null)?.Content);
        Assert.Equal("Welcome to Ohm", station.Simulator.ShowingMessage(1)?.Content);

        // The station's own answers come back through the API: HTML is not among its SupportedFormats.
        var html = await PostAsync(api, "api/stations/CS-OHM-O/display-messages", new { id = 5, priority = "AlwaysFront", messages = new[] { new { format = "HTML", content = "<b>Hi</b>" } } });
        Assert.Equal("NotSupportedMessageFormat", html.GetProperty("status").GetString());

        // O02: a message for the running transaction is on at its EVSE, ahead of the cycle, and goes when it ends.
        (await api.PostAsJsonAsync("api/id-tokens", new { idToken = Drive.Token, type = "ISO14443" })).EnsureSuccessStatusCode();
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Evses[1].Transaction is not null, "a transaction");
        var tx = station.Evses[1].Transaction!.Id;
        var bound = await PostAsync(api, "api/stations/CS-OHM-O/display-messages", new { id = 7, priority = "InFront", transactionId = tx, messages = new[] { new { format = "UTF8", content = "Charging for you" } } });
        Assert.Equal("Accepted", bound.GetProperty("status").GetString());
        Assert.Equal("Charging for you", station.Simulator.ShowingMessage(1)?.Content);
        Assert.Equal([1, 2, 7], await StoredAsync(api, "CS-OHM-O"));
        await Drive.Do(station, "unplug");
        await TestCsms.Until(() => station.DisplayMessage.Messages().All(m => m.Id != 7), "the transaction's message removed");
        Assert.Equal("Welcome to Ohm", station.Simulator.ShowingMessage(1)?.Content);

        // O03: the report replaces what the CSMS stored (message 7 is gone from the station).
        var report = await PostAsync(api, "api/stations/CS-OHM-O/display-messages/report", new { });
        Assert.Equal("Accepted", report.GetProperty("status").GetString());
        Assert.Equal([1, 2], report.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal([1, 2], await StoredAsync(api, "CS-OHM-O"));

        // O05: clearing message 1 clears both of its languages, on the station and in the CSMS.
        var cleared = await api.DeleteAsync("api/stations/CS-OHM-O/display-messages/1");
        cleared.EnsureSuccessStatusCode();
        Assert.Empty(station.DisplayMessage.Messages());
        Assert.Null(station.Simulator.ShowingMessage(null));
        Assert.Empty(await StoredAsync(api, "CS-OHM-O"));
        var none = await PostAsync(api, "api/stations/CS-OHM-O/display-messages/report", new { });
        Assert.Equal("Unknown", none.GetProperty("status").GetString());
        await csms.StopAsync();
    }
}
