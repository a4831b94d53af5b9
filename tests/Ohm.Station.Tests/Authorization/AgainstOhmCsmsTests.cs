using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.AuthorizationUseCases;

/// <summary>Block C with both of Ohm's roles: groups (C09), the master pass (C16) and the start button (C02) end to end.</summary>
public sealed class AgainstOhmCsmsTests
{
    [Fact]
    public async Task C09_C16_C02_A_group_member_stops_a_transaction_a_master_pass_stops_all_and_a_start_button_starts_one()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h, new Dictionary<string, string?> { ["Csms:MasterPassGroupId"] = "POLICE" });
        var api = csms.Api;
        foreach (var (token, group) in new[] { ("ANNA", "FAMILY"), ("BOB", "FAMILY"), ("OFFICER", "POLICE") })
        {
            (await api.PostAsJsonAsync("api/id-tokens", new { idToken = token, type = "ISO14443", groupIdToken = group, groupIdTokenType = "Central" })).EnsureSuccessStatusCode();
        }

        var options = h.Options("CS-OHM-C", StationHarness.Config(c => c.With("AuthCtrlr", "MasterPassGroupId", "POLICE")));
        options.Endpoint = csms.OcppEndpoint;
        var station = await h.StartStation("CS-OHM-C", options: options);

        async Task<List<JsonElement>> Transactions()
        {
            var page = await api.GetFromJsonAsync<JsonElement>("api/stations/CS-OHM-C/transactions?limit=100");
            return page.GetProperty("items").EnumerateArray().ToList();
        }

        async Task<JsonElement> Stored(string transactionId)
        {
            JsonElement found = default;
            await TestCsms.Until(() =>
            {
                found = Transactions().GetAwaiter().GetResult().SingleOrDefault(t => t.GetProperty("transactionId").GetString() == transactionId);
                return found.ValueKind == JsonValueKind.Object && found.GetProperty("state").GetString() != "Active";
            }, "transaction " + transactionId + " ended at the CSMS");
            return found;
        }

        // C09.FR.03: Anna starts, Bob of her group stops it: the CSMS answered his Authorize with the group.
        await station.Transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "ANNA"));
        var anna = station.Evses[1].Transaction!.Id;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "BOB"));
        Assert.Null(station.Evses[1].Transaction);
        var annaStored = await Stored(anna);
        Assert.Equal("Local", annaStored.GetProperty("stoppedReason").GetString());
        Assert.Equal("BOB", annaStored.GetProperty("idToken").GetString());

        // C16: Anna on EVSE 1 and Bob on EVSE 2; the master pass stops both and starts nothing.
        await station.Transactions.UnplugAsync(1);
        await station.Transactions.PlugInAsync(1);
        await station.Transactions.PlugInAsync(2);
        await station.Authorization.PresentTokenAsync(1, "ANNA");
        await station.Authorization.PresentTokenAsync(2, "BOB");
        var running = new[] { station.Evses[1].Transaction!.Id, station.Evses[2].Transaction!.Id };
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(2, "OFFICER"));
        Assert.All(station.Evses.Values, e => Assert.Null(e.Transaction));
        foreach (var id in running)
        {
            Assert.Equal("MasterPass", (await Stored(id)).GetProperty("stoppedReason").GetString());
        }

        // C02: the start button starts a transaction with a NoAuthorization idToken, which the CSMS accepts.
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PressStartButtonAsync(1));
        var button = station.Evses[1].Transaction!.Id;
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        await TestCsms.Until(
            () => Transactions().GetAwaiter().GetResult().Any(t => t.GetProperty("transactionId").GetString() == button && t.GetProperty("authorizationStatus").GetString() == "Accepted"),
            "the button transaction Accepted at the CSMS");
        Assert.NotNull(station.Evses[1].Transaction);
        Assert.Equal(IdTokenEnumType.NoAuthorization, station.Evses[1].AuthorizedToken?.Type);
        Assert.Equal(3 + 1, (await Transactions()).Count);
        await csms.StopAsync();
    }

    [Fact]
    public async Task C09_the_starters_group_survives_a_station_restart_so_a_group_member_still_stops_the_transaction()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        foreach (var token in new[] { "ANNA", "BOB" })
        {
            (await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = token, type = "ISO14443", groupIdToken = "FAMILY", groupIdTokenType = "Central" })).EnsureSuccessStatusCode();
        }

        var options = h.Options("CS-OHM-C09R");
        options.Endpoint = csms.OcppEndpoint;
        var station = await h.StartStation("CS-OHM-C09R", options: options);
        await station.Transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "ANNA"));
        var transactionId = station.Evses[1].Transaction!.Id;
        Assert.Equal("FAMILY", station.Evses[1].AuthorizedGroup?.IdToken);

        await station.StopAsync();
        var restarted = await h.StartStation("CS-OHM-C09R", options: options);
        Assert.Equal(transactionId, restarted.Evses[1].Transaction?.Id);
        Assert.Equal("FAMILY", restarted.Evses[1].AuthorizedGroup?.IdToken);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await restarted.Authorization.PresentTokenAsync(1, "BOB"));
        Assert.Null(restarted.Evses[1].Transaction);
    }
}
