using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>Block C on the CSMS side: Authorize and the idToken of TransactionEvent answered from the id-token store.</summary>
public sealed class AuthorizationTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private static AuthorizeRequest Authorize(string token, IdTokenEnumType type = IdTokenEnumType.ISO14443) =>
        new() { IdToken = new IdTokenType { IdToken = token, Type = type } };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task C01_tokens_are_answered_Accepted_Unknown_Blocked_or_Expired_from_the_store(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var expiry = DateTimeOffset.UtcNow.AddDays(30);
        await csms.AddTokenAsync(new { idToken = "GOOD", type = "ISO14443", expiresAt = expiry, groupIdToken = "G1", groupIdTokenType = "Central", language = "nl", allowedEvses = new[] { 1, 2 } });
        await csms.AddTokenAsync(new { idToken = "BLOCKED", type = "ISO14443", status = "Blocked" });
        await csms.AddTokenAsync(new { idToken = "OLD", type = "ISO14443", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        await using var station = await csms.BootedStationAsync("CS-C01");

        var good = (await station.CallAsync(Authorize("GOOD"))).IdTokenInfo;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, good.Status);
        Assert.Equal("G1", good.GroupIdToken!.IdToken);
        Assert.Equal("nl", good.Language1);
        Assert.Equal([1, 2], good.EvseId);
        Assert.Equal(expiry.ToUnixTimeMilliseconds(), good.CacheExpiryDateTime!.Value.ToUnixTimeMilliseconds());

        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("NOBODY"))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("GOOD", IdTokenEnumType.KeyCode))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Blocked, (await station.CallAsync(Authorize("BLOCKED"))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Expired, (await station.CallAsync(Authorize("OLD"))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("", IdTokenEnumType.NoAuthorization))).IdTokenInfo.Status);
    }

    [Fact]
    public async Task C01_a_token_expires_when_the_CSMS_clock_passes_its_expiry_without_waiting()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await csms.AddTokenAsync(new { idToken = "SOON", type = "ISO14443", expiresAt = clock.GetUtcNow().AddHours(1) });
        await using var station = await csms.BootedStationAsync("CS-C01T");
        Assert.Equal(clock.GetUtcNow(), (await station.CallAsync(new HeartbeatRequest())).CurrentTime);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("SOON"))).IdTokenInfo.Status);
        clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(AuthorizationStatusEnumType.Expired, (await station.CallAsync(Authorize("SOON"))).IdTokenInfo.Status);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_token_with_an_active_transaction_gets_ConcurrentTx_unless_concurrent_use_is_allowed(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.AddTokenAsync(new { idToken = "SINGLE", type = "ISO14443" });
        await csms.AddTokenAsync(new { idToken = "MULTI", type = "ISO14443", allowConcurrentTx = true });
        await using var station = await csms.BootedStationAsync("CS-CTX");
        var single = new IdTokenType { IdToken = "SINGLE", Type = IdTokenEnumType.ISO14443 };
        var multi = new IdTokenType { IdToken = "MULTI", Type = IdTokenEnumType.ISO14443 };

        var first = await station.CallAsync(Event("tx-c1", 0, TransactionEventEnumType.Started, token: single));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, first.IdTokenInfo!.Status);
        var again = await station.CallAsync(Event("tx-c1", 1, TransactionEventEnumType.Updated, token: single));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, again.IdTokenInfo!.Status);
        var second = await station.CallAsync(Event("tx-c2", 0, TransactionEventEnumType.Started, token: single));
        Assert.Equal(AuthorizationStatusEnumType.ConcurrentTx, second.IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.ConcurrentTx, (await station.CallAsync(Authorize("SINGLE"))).IdTokenInfo.Status);

        await station.CallAsync(Event("tx-m1", 0, TransactionEventEnumType.Started, token: multi));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Event("tx-m2", 0, TransactionEventEnumType.Started, token: multi))).IdTokenInfo!.Status);

        await station.CallAsync(Event("tx-c1", 2, TransactionEventEnumType.Ended));
        await station.CallAsync(Event("tx-c2", 1, TransactionEventEnumType.Ended));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("SINGLE"))).IdTokenInfo.Status);
    }

    [Fact]
    public async Task A_token_used_at_an_EVSE_it_may_not_use_is_NotAtThisLocation()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "EVSE2", type = "Central", allowedEvses = new[] { 2 } });
        await using var station = await csms.BootedStationAsync("CS-LOC");
        var response = await station.CallAsync(Event("tx-l", 0, TransactionEventEnumType.Started, token: new IdTokenType { IdToken = "EVSE2", Type = IdTokenEnumType.Central }));
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisLocation, response.IdTokenInfo!.Status);
    }

    [Fact]
    public async Task The_id_token_store_is_managed_through_the_API_with_clear_errors()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var created = await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = "T1", type = "eMAID", status = "Accepted" });
        Assert.Equal(201, (int)created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();

        Assert.Equal(409, (int)(await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = "T1", type = "eMAID" })).StatusCode);
        var badType = await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = "T2", type = "Passport" });
        Assert.Equal(400, (int)badType.StatusCode);
        Assert.Contains("type", await badType.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var updated = await csms.Api.PutAsJsonAsync($"api/id-tokens/{id}", new { status = "Blocked" });
        Assert.Equal("Blocked", (await updated.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(204, (int)(await csms.Api.DeleteAsync($"api/id-tokens/{id}")).StatusCode);
        Assert.Equal(404, (int)(await csms.Api.GetAsync($"api/id-tokens/{id}")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task C01_a_token_added_blocked_or_removed_through_the_API_is_answered_accordingly_at_once(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await using var station = await csms.BootedStationAsync("CS-CACHE");

        // Unknown first, so that the answer is remembered; each change must still be seen on the next call.
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("LATER"))).IdTokenInfo.Status);
        var created = await csms.Api.PostAsJsonAsync("api/id-tokens", new { idToken = "LATER", type = "ISO14443" });
        var id = (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("LATER"))).IdTokenInfo.Status);

        await csms.Api.PutAsJsonAsync($"api/id-tokens/{id}", new { status = "Blocked" });
        Assert.Equal(AuthorizationStatusEnumType.Blocked, (await station.CallAsync(Authorize("LATER"))).IdTokenInfo.Status);

        await csms.Api.DeleteAsync($"api/id-tokens/{id}");
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("LATER"))).IdTokenInfo.Status);
    }
}
