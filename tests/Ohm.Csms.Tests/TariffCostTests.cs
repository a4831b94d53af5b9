using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>Block I (tariff and cost) and C17 (prepaid) on the CSMS, over real WebSockets and the API.</summary>
public sealed class TariffCostTests
{
    private static async Task<long> TariffAsync(CsmsTestHost csms, object tariff, object? assignment = null, bool isDefault = false)
    {
        var created = await csms.Api.PostAsJsonAsync("api/tariffs", new { tariff, isDefault });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        if (assignment is not null)
        {
            (await csms.Api.PostAsJsonAsync($"api/tariffs/{id}/assignments", assignment)).EnsureSuccessStatusCode();
        }

        return id;
    }

    private static IdTokenType Token(string id) => new() { IdToken = id, Type = IdTokenEnumType.ISO14443 };

    [Fact]
    public async Task I01_Authorize_answers_the_tariff_text_in_the_drivers_language_group_beats_EVSE_beats_station_beats_default()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-I01");
        await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 0.5m, defaultText = "default" }, isDefault: true);
        var stationTariff = await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 0.4m, defaultText = "station" }, new { stationId = "CS-I01" });
        await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 0.35m, defaultText = "evse" }, new { stationId = "CS-I01", evseId = 1 });
        await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 0.3m, texts = new Dictionary<string, string> { ["nl"] = "groep", ["de"] = "Gruppe" }, defaultText = "group" }, new { groupIdToken = "GRP" });
        await csms.AddTokenAsync(new { idToken = "A", type = "ISO14443", groupIdToken = "GRP", language = "fr", language2 = "de" });
        await csms.AddTokenAsync(new { idToken = "B", type = "ISO14443" });

        var a = (await station.CallAsync(new AuthorizeRequest { IdToken = Token("A") })).IdTokenInfo;
        Assert.Equal("Gruppe", a.PersonalMessage?.Content); // language1 fr missing, language2 de
        Assert.Equal("de", a.PersonalMessage?.Language);
        Assert.Equal("de", a.Language2);
        Assert.Equal("station", (await station.CallAsync(new AuthorizeRequest { IdToken = Token("B") })).IdTokenInfo.PersonalMessage?.Content);

        // At an EVSE (the TransactionEvent's idTokenInfo) the EVSE's tariff beats the station's.
        var started = await station.CallAsync(TransactionTests.Event("tx-i01", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected, Token("B")));
        Assert.Equal("evse", started.IdTokenInfo?.PersonalMessage?.Content);

        var assignments = await csms.GetJsonAsync($"api/tariffs/{stationTariff}/assignments");
        (await csms.Api.DeleteAsync($"api/tariff-assignments/{assignments[0].GetProperty("id").GetInt64()}")).EnsureSuccessStatusCode();
        // B has a transaction now (ConcurrentTx): another token without a group asks.
        await csms.AddTokenAsync(new { idToken = "C", type = "ISO14443" });
        Assert.Equal("default", (await station.CallAsync(new AuthorizeRequest { IdToken = Token("C") })).IdTokenInfo.PersonalMessage?.Content);
    }

    [Fact]
    public async Task I03_the_Ended_answer_carries_totalCost_and_the_transaction_stores_its_breakdown()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-I03");
        await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 0.25m, timePerHour = 0.60m, sessionFee = 1m }, new { stationId = "CS-I03" });
        await station.CallAsync(TransactionTests.Event("tx-i03", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected));
        await station.CallAsync(TransactionTests.Event("tx-i03", 1, TransactionEventEnumType.Updated, 1500, ChargingStateEnumType.Charging));
        var ended = await station.CallAsync(TransactionTests.Event("tx-i03", 2, TransactionEventEnumType.Ended, 2250.5m, ChargingStateEnumType.Idle));

        // 1.2505 kWh at 0.25 = 0.3126; 1 minute charging at 0.60/h = 0.01; fee 1; no tax.
        Assert.Equal(1.32m, ended.TotalCost);
        var cost = await csms.GetJsonAsync("api/stations/CS-I03/transactions/tx-i03/cost");
        Assert.Equal(0.3126m, cost.GetProperty("energy").GetDecimal());
        Assert.Equal(0.01m, cost.GetProperty("time").GetDecimal());
        Assert.Equal(1m, cost.GetProperty("fees").GetDecimal());
        Assert.Equal(1.32m, cost.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", cost.GetProperty("currency").GetString());
        Assert.True(cost.GetProperty("final").GetBoolean());
        Assert.Equal(1, cost.GetProperty("tariffVersion").GetInt32());
    }

    [Fact]
    public async Task I06_a_tariff_changed_during_a_transaction_sends_updatedPersonalMessage_and_its_new_prices_apply_from_the_change()
    {
        var t0 = new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero); // the TransactionEvents' T0
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(t0);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var station = await csms.BootedStationAsync("CS-I06");
        await csms.AddTokenAsync(new { idToken = "NL", type = "ISO14443", language = "nl" });
        var id = await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 1m, sessionFee = 0.5m, texts = new Dictionary<string, string> { ["nl"] = "1 euro per kWh" } }, new { stationId = "CS-I06" });
        var started = await station.CallAsync(TransactionTests.Event("tx-i06", 0, TransactionEventEnumType.Started, 0, ChargingStateEnumType.Charging, Token("NL")));
        Assert.Equal("1 euro per kWh", started.IdTokenInfo?.PersonalMessage?.Content);
        Assert.Null((await station.CallAsync(TransactionTests.Event("tx-i06", 1, TransactionEventEnumType.Updated, 1000, ChargingStateEnumType.Charging))).UpdatedPersonalMessage);

        // One minute in (T0 + 1 min) the tariff changes: the fee of the new version does not apply, its energy price does.
        clock.SetUtcNow(t0.AddMinutes(1));
        (await csms.Api.PutAsJsonAsync($"api/tariffs/{id}", new { tariff = new { currency = "EUR", energyPerKwh = 2m, sessionFee = 9m, texts = new Dictionary<string, string> { ["nl"] = "2 euro per kWh" }, defaultText = "2 EUR/kWh" } })).EnsureSuccessStatusCode();
        var updated = await station.CallAsync(TransactionTests.Event("tx-i06", 2, TransactionEventEnumType.Updated, 2000, ChargingStateEnumType.Charging));
        Assert.Equal("2 euro per kWh", updated.UpdatedPersonalMessage?.Content); // I06: the driver's language
        Assert.Equal("nl", updated.UpdatedPersonalMessage?.Language);
        Assert.Null((await station.CallAsync(TransactionTests.Event("tx-i06", 3, TransactionEventEnumType.Updated, 2500, ChargingStateEnumType.Charging))).UpdatedPersonalMessage); // told once

        var ended = await station.CallAsync(TransactionTests.Event("tx-i06", 4, TransactionEventEnumType.Ended, 3000, ChargingStateEnumType.Idle));
        // The first kWh (T0 .. T0+1 min) at 1, the next two at 2, plus the first version's fee 0.5.
        Assert.Equal(5.5m, ended.TotalCost);
        var cost = await csms.GetJsonAsync("api/stations/CS-I06/transactions/tx-i06/cost");
        Assert.Equal(5m, cost.GetProperty("energy").GetDecimal());
        Assert.Equal(0.5m, cost.GetProperty("fees").GetDecimal());
        Assert.Equal(1, cost.GetProperty("tariffVersion").GetInt32());

        // A transaction that starts afterwards has the new version from its start, fee included.
        await station.CallAsync(TransactionTests.Event("tx-i06b", 0, TransactionEventEnumType.Started, 0, ChargingStateEnumType.Charging));
        Assert.Equal(11m, (await station.CallAsync(TransactionTests.Event("tx-i06b", 1, TransactionEventEnumType.Ended, 1000, ChargingStateEnumType.Idle))).TotalCost);
        Assert.Equal(2, (await csms.GetJsonAsync("api/stations/CS-I06/transactions/tx-i06b/cost")).GetProperty("tariffVersion").GetInt32());
    }

    [Fact]
    public async Task C17_Authorize_of_a_prepaid_token_without_balance_answers_NoCredit()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-C17");
        await csms.AddTokenAsync(new { idToken = "EMPTY", type = "ISO14443", balance = 0m, balanceCurrency = "EUR" });
        await csms.AddTokenAsync(new { idToken = "FULL", type = "ISO14443", balance = 5m, balanceCurrency = "EUR" });
        Assert.Equal(AuthorizationStatusEnumType.NoCredit, (await station.CallAsync(new AuthorizeRequest { IdToken = Token("EMPTY") })).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(new AuthorizeRequest { IdToken = Token("FULL") })).IdTokenInfo.Status);
    }

    [Fact]
    public async Task C17_a_prepaid_balance_in_another_currency_than_the_tariff_answers_NoCredit_and_is_never_charged()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-C17C");
        await TariffAsync(csms, new { currency = "EUR", energyPerKwh = 1m }, new { stationId = "CS-C17C" });
        await csms.AddTokenAsync(new { idToken = "DOLLARS", type = "ISO14443", balance = 50m, balanceCurrency = "USD" });
        await csms.AddTokenAsync(new { idToken = "EUROS", type = "ISO14443", balance = 50m, balanceCurrency = "eur" });
        Assert.Equal(AuthorizationStatusEnumType.NoCredit, (await station.CallAsync(new AuthorizeRequest { IdToken = Token("DOLLARS") })).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(new AuthorizeRequest { IdToken = Token("EUROS") })).IdTokenInfo.Status);
    }

    [Fact]
    public async Task I04_I05_the_fallback_messages_are_set_on_the_stations_TariffCostCtrlr()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        SetVariablesRequest? asked = null;
        var handlers = new OcppHandlers().On(OcppActions.SetVariables, (request, _, _) =>
        {
            asked = request;
            return ValueTask.FromResult(new SetVariablesResponse
            {
                SetVariableResult = [.. request.SetVariableData.Select(d => new SetVariableResultType { AttributeStatus = SetVariableStatusEnumType.Accepted, Component = d.Component, Variable = d.Variable })],
            });
        });
        await using var station = await csms.BootedStationAsync("CS-I04", handlers);
        var answer = await csms.Api.PutAsJsonAsync("api/stations/CS-I04/tariff-messages", new { tariffFallbackMessage = "Prices at the desk", totalCostFallbackMessage = "See your invoice" });
        answer.EnsureSuccessStatusCode();
        Assert.NotNull(asked);
        Assert.All(asked.SetVariableData, d => Assert.Equal("TariffCostCtrlr", d.Component.Name));
        Assert.Equal(["Prices at the desk", "See your invoice"], asked.SetVariableData.Select(d => d.AttributeValue));
        Assert.Equal(["TariffFallbackMessage", "TotalCostFallbackMessage"], asked.SetVariableData.Select(d => d.Variable.Name));
        Assert.Equal(HttpStatusCode.BadRequest, (await csms.Api.PutAsJsonAsync("api/stations/CS-I04/tariff-messages", new { })).StatusCode);
    }

    [Fact]
    public async Task I_tariffs_API_checks_its_input_and_keeps_versions()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        Assert.Equal(HttpStatusCode.BadRequest, (await csms.Api.PostAsJsonAsync("api/tariffs", new { tariff = new { currency = "euro" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await csms.Api.PostAsJsonAsync("api/tariffs", new { tariff = new { currency = "EUR", timeZone = "Mars/Olympus" } })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await csms.Api.PostAsJsonAsync("api/tariffs", new { tariff = new { currency = "EUR", energyPerKwh = -1 } })).StatusCode);
        var id = await TariffAsync(csms, new { name = "T", currency = "EUR", energyPerKwh = 0.3m, timeZone = "Europe/Amsterdam", periods = new[] { new { days = new[] { "Saturday" }, from = "08:00:00", to = "20:00:00", energyPerKwh = 0.2m } } });
        Assert.Equal(HttpStatusCode.NotFound, (await csms.Api.PostAsJsonAsync($"api/tariffs/{id}/assignments", new { stationId = "NOPE" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await csms.Api.PostAsJsonAsync($"api/tariffs/{id}/assignments", new { })).StatusCode);
        (await csms.Api.PostAsJsonAsync($"api/tariffs/{id}/assignments", new { groupIdToken = "G" })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.Conflict, (await csms.Api.PostAsJsonAsync($"api/tariffs/{id}/assignments", new { groupIdToken = "G" })).StatusCode);
        (await csms.Api.PutAsJsonAsync($"api/tariffs/{id}", new { tariff = new { name = "T2", currency = "EUR", energyPerKwh = 0.35m } })).EnsureSuccessStatusCode();
        var tariff = await csms.GetJsonAsync($"api/tariffs/{id}");
        Assert.Equal(2, tariff.GetProperty("version").GetInt32());
        Assert.Equal(0.35m, tariff.GetProperty("tariff").GetProperty("energyPerKwh").GetDecimal());
        Assert.Equal(1, (await csms.GetJsonAsync("api/tariffs")).GetProperty("total").GetInt32());
        (await csms.Api.DeleteAsync($"api/tariffs/{id}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await csms.Api.GetAsync($"api/tariffs/{id}")).StatusCode);
        Assert.Equal(2, (await csms.GetJsonAsync($"api/tariffs/{id}/versions")).GetArrayLength());
    }
}
