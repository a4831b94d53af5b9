using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Accounts;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Accounts;

/// <summary>Operator accounts, their API keys and roles on the API, and the audit log of their calls.</summary>
public sealed class OperatorAccountsTests
{
    private const string Password = "correct-horse-battery";

    [Fact]
    public async Task Passwords_and_keys_are_stored_only_as_hashes_and_a_key_is_shown_once()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        await accounts.CreateAsync("Alice", Password, OperatorRole.Operator);
        var key = await accounts.CreateKeyAsync("alice", "ci");

        await using (var db = csms.Database.CreateContext())
        {
            var account = await db.OperatorAccounts.SingleAsync();
            Assert.DoesNotContain(Password, account.PasswordHash, StringComparison.Ordinal);
            Assert.StartsWith("pbkdf2-sha256$", account.PasswordHash, StringComparison.Ordinal);
            var stored = await db.ApiKeys.SingleAsync();
            Assert.DoesNotContain(stored.SecretHash, key.Key, StringComparison.Ordinal);
            Assert.DoesNotContain(key.Key.Split('_')[2], stored.SecretHash, StringComparison.Ordinal);
            Assert.Equal(key.Prefix, stored.Prefix);
        }

        Assert.StartsWith("ohm_" + key.Prefix + "_", key.Key, StringComparison.Ordinal);
        Assert.True(key.Key.Length >= 4 + 12 + 1 + 43);
        var listed = Assert.Single(await accounts.ListKeysAsync("ALICE"));
        Assert.Equal("ci", listed.Label);
        Assert.NotNull(await accounts.VerifyPasswordAsync("alice", Password));
        Assert.Null(await accounts.VerifyPasswordAsync("alice", Password + "x"));
        Assert.Null(await accounts.VerifyPasswordAsync("nobody", Password));
        var duplicate = await Assert.ThrowsAsync<AccountException>(() => accounts.CreateAsync("ALICE", Password, OperatorRole.Viewer));
        Assert.Equal(AccountError.Duplicate, duplicate.Error);
        var shortPassword = await Assert.ThrowsAsync<AccountException>(() => accounts.CreateAsync("bob", "short", OperatorRole.Viewer));
        Assert.Contains("12", shortPassword.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accounts_key_works_on_the_API_and_a_revoked_key_is_refused_401()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        await accounts.CreateAsync("viewer1", Password, OperatorRole.Viewer);
        var key = await accounts.CreateKeyAsync("viewer1", "laptop");
        using var client = Client(csms, key.Key);

        var me = await client.GetFromJsonAsync<JsonElement>("api/accounts/me");
        Assert.Equal("viewer1", me.GetProperty("name").GetString());
        Assert.Equal("Viewer", me.GetProperty("role").GetString());
        var created = await client.PostAsync("api/accounts/me/keys", Json("""{"label":"second"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var keys = await client.GetFromJsonAsync<JsonElement>("api/accounts/me/keys");
        Assert.Equal(2, keys.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain(key.Key, keys.GetRawText(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"api/accounts/me/keys/{key.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/stations")).StatusCode);
    }

    [Fact]
    public async Task A_Viewer_key_reads_but_is_refused_403_on_a_command_and_an_Operator_command_is_audited_with_the_account()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        await accounts.CreateAsync("watcher", Password, OperatorRole.Viewer);
        await accounts.CreateAsync("op", Password, OperatorRole.Operator);
        using var viewer = Client(csms, (await accounts.CreateKeyAsync("watcher", "k")).Key);
        using var operatorClient = Client(csms, (await accounts.CreateKeyAsync("op", "k")).Key);
        var handlers = new OcppHandlers().On(OcppActions.UnlockConnector, (_, _, _) => ValueTask.FromResult(new UnlockConnectorResponse { Status = UnlockStatusEnumType.Unlocked }));
        await using var station = await csms.BootedStationAsync("CS-AUD", handlers);
        const string unlock = """{"evseId":1,"connectorId":1}""";

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("api/stations/CS-AUD")).StatusCode);
        var refused = await viewer.PostAsync("api/stations/CS-AUD/commands/unlock-connector", Json(unlock));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Operator", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await operatorClient.GetAsync("api/audit")).StatusCode);

        var sent = await operatorClient.PostAsync("api/stations/CS-AUD/commands/unlock-connector", Json(unlock));
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);

        // The shared key still works, as an Administrator: it reads the audit log.
        var audit = await csms.GetJsonAsync("api/audit?account=op");
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("op", entry.GetProperty("account").GetString());
        Assert.Equal("CS-AUD", entry.GetProperty("stationId").GetString());
        Assert.Equal("UnlockConnector", entry.GetProperty("action").GetString());
        Assert.Equal(AuditOutcomes.Answered, entry.GetProperty("outcome").GetString());
        Assert.Equal(1, (await csms.GetJsonAsync("api/audit")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task The_last_enabled_Administrator_cannot_be_removed_demoted_or_disabled()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        await accounts.CreateAsync("root", Password, OperatorRole.Administrator);

        Assert.Equal(AccountError.LastAdministrator, (await Assert.ThrowsAsync<AccountException>(() => accounts.DeleteAsync("root"))).Error);
        Assert.Equal(AccountError.LastAdministrator, (await Assert.ThrowsAsync<AccountException>(() => accounts.ChangeAsync("root", OperatorRole.Operator, null))).Error);
        var disable = await csms.Api.PatchAsync("api/accounts/root", Json("""{"enabled":false}"""));
        Assert.Equal(HttpStatusCode.Conflict, disable.StatusCode);

        await accounts.CreateAsync("second", Password, OperatorRole.Administrator);
        Assert.Equal(HttpStatusCode.OK, (await csms.Api.PatchAsync("api/accounts/root", Json("""{"role":"Viewer"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await csms.Api.DeleteAsync("api/accounts/nobody")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await csms.Api.DeleteAsync("api/accounts/root")).StatusCode);
        var listed = await csms.GetJsonAsync("api/accounts");
        Assert.Equal("second", Assert.Single(listed.GetProperty("items").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_disabled_accounts_key_is_refused()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var accounts = csms.App.Services.GetRequiredService<IOperatorAccounts>();
        await accounts.CreateAsync("temp", Password, OperatorRole.Operator);
        using var client = Client(csms, (await accounts.CreateKeyAsync("temp", "k")).Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("api/stations")).StatusCode);

        await accounts.ChangeAsync("temp", null, enabled: false);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("api/stations")).StatusCode);
    }

    [Fact]
    public async Task Only_calls_made_for_an_operator_are_audited_with_how_they_ended()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var router = csms.App.Services.GetRequiredService<Ohm.Csms.Sessions.IStationCallRouter>();
        var unlock = new UnlockConnectorRequest { EvseId = 1, ConnectorId = 1 };

        await Assert.ThrowsAsync<Ohm.Csms.Sessions.StationNotConnectedException>(() => router.CallAsync("CS-OFF", unlock));
        using (CommandActor.Begin("op"))
        {
            await Assert.ThrowsAsync<Ohm.Csms.Sessions.StationNotConnectedException>(() => router.CallAsync("CS-OFF", unlock));
        }

        var (items, total) = await csms.App.Services.GetRequiredService<AuditLog>().PageAsync(null, null, null, 10);
        Assert.Equal(1, total);
        var entry = Assert.Single(items);
        Assert.Equal(("op", "CS-OFF", "UnlockConnector", AuditOutcomes.NotConnected), (entry.Account, entry.StationId, entry.Action, entry.Outcome));
    }

    private static HttpClient Client(CsmsTestHost csms, string key)
    {
        var client = new HttpClient { BaseAddress = csms.Api.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
