using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>
/// Block C on the CSMS beyond C01: the start button (C02), the payment terminal (C03), PIN codes (C04), local id types
/// (C06), groups (C09) and the master pass (C16), over a real loopback WebSocket with the id-token store behind it.
/// </summary>
public sealed class AuthorizationUseCaseTests
{
    private static AuthorizeRequest Authorize(string token, IdTokenEnumType type = IdTokenEnumType.ISO14443) =>
        new() { IdToken = new IdTokenType { IdToken = token, Type = type } };

    private static IdTokenType Token(string id, IdTokenEnumType type = IdTokenEnumType.ISO14443) => new() { IdToken = id, Type = type };

    [Fact]
    public async Task C02_FR_02_A_TransactionEvent_with_a_NoAuthorization_idToken_is_answered_Accepted()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-C02");
        var started = await station.CallAsync(Event("tx-c02", 0, TransactionEventEnumType.Started, token: Token(string.Empty, IdTokenEnumType.NoAuthorization)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, started.IdTokenInfo!.Status);

        // A second button transaction at once is no ConcurrentTx: nobody in particular is charging.
        var other = await station.CallAsync(Event("tx-c02b", 0, TransactionEventEnumType.Started, token: Token(string.Empty, IdTokenEnumType.NoAuthorization)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, other.IdTokenInfo!.Status);
    }

    [Fact]
    public async Task C03_A_payment_terminal_reference_as_a_Central_token_is_Accepted_in_the_transaction_but_not_in_Authorize()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "CENTRAL-BLOCKED", type = "Central", status = "Blocked" });
        await using var station = await csms.BootedStationAsync("CS-C03");
        var paid = await station.CallAsync(Event("tx-c03", 0, TransactionEventEnumType.Started, token: Token("PSP-REF-9", IdTokenEnumType.Central)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, paid.IdTokenInfo!.Status);

        // Only an unknown Central token is taken as the terminal's (or the CSMS's own) reference: a stored one keeps its
        // status, and Authorize (which a station does not send for Central tokens, C03.FR.01) answers from the store.
        var blocked = await station.CallAsync(Event("tx-c03b", 0, TransactionEventEnumType.Started, token: Token("CENTRAL-BLOCKED", IdTokenEnumType.Central)));
        Assert.Equal(AuthorizationStatusEnumType.Blocked, blocked.IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("PSP-REF-9", IdTokenEnumType.Central))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Event("tx-c03c", 0, TransactionEventEnumType.Started, token: Token("PSP-REF-9")))).IdTokenInfo!.Status);
    }

    [Fact]
    public async Task C04_FR_01_A_PIN_is_answered_from_the_store_as_a_KeyCode_token_and_a_wrong_one_is_Unknown()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "1234", type = "KeyCode" });
        await using var station = await csms.BootedStationAsync("CS-C04");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("1234", IdTokenEnumType.KeyCode))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("9999", IdTokenEnumType.KeyCode))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("1234", IdTokenEnumType.ISO14443))).IdTokenInfo.Status);
    }

    [Fact]
    public async Task C06_A_local_id_type_is_answered_from_the_store_like_any_type_and_an_unknown_one_is_Unknown()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "TICKET-77", type = "Local" });
        await using var station = await csms.BootedStationAsync("CS-C06");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Authorize("TICKET-77", IdTokenEnumType.Local))).IdTokenInfo.Status);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, (await station.CallAsync(Authorize("TICKET-78", IdTokenEnumType.Local))).IdTokenInfo.Status);
        var started = await station.CallAsync(Event("tx-c06", 0, TransactionEventEnumType.Started, token: Token("TICKET-77", IdTokenEnumType.Local)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, started.IdTokenInfo!.Status);
    }

    [Fact]
    public async Task C09_FR_02_FR_03_Members_of_a_group_get_its_groupIdToken_and_one_stops_the_others_transaction_Accepted()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "ANNA", type = "ISO14443", groupIdToken = "FAMILY", groupIdTokenType = "Central" });
        await csms.AddTokenAsync(new { idToken = "BOB", type = "ISO14443", groupIdToken = "FAMILY", groupIdTokenType = "Central" });
        await using var station = await csms.BootedStationAsync("CS-C09");

        var bob = (await station.CallAsync(Authorize("BOB"))).IdTokenInfo;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, bob.Status);
        Assert.Equal("FAMILY", bob.GroupIdToken?.IdToken);
        var started = await station.CallAsync(Event("tx-c09", 0, TransactionEventEnumType.Started, token: Token("ANNA")));
        Assert.Equal("FAMILY", started.IdTokenInfo!.GroupIdToken?.IdToken);

        // C09.FR.03: Bob stops Anna's transaction (StopAuthorized with his token): Accepted, with the group.
        var stop = Event("tx-c09", 1, TransactionEventEnumType.Updated, token: Token("BOB"));
        stop.TriggerReason = TriggerReasonEnumType.StopAuthorized;
        var stopped = (await station.CallAsync(stop)).IdTokenInfo!;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, stopped.Status);
        Assert.Equal("FAMILY", stopped.GroupIdToken?.IdToken);
    }

    [Fact]
    public async Task C09_ConcurrentTx_is_per_idToken_so_two_members_of_a_group_charge_at_once_but_one_card_twice_does_not()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "FLEET-1", type = "ISO14443", groupIdToken = "FLEET", groupIdTokenType = "Central" });
        await csms.AddTokenAsync(new { idToken = "FLEET-2", type = "ISO14443", groupIdToken = "FLEET", groupIdTokenType = "Central" });
        await using var station = await csms.BootedStationAsync("CS-C09C");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Event("tx-f1", 0, TransactionEventEnumType.Started, token: Token("FLEET-1")))).IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Event("tx-f2", 0, TransactionEventEnumType.Started, token: Token("FLEET-2")))).IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.ConcurrentTx, (await station.CallAsync(Event("tx-f3", 0, TransactionEventEnumType.Started, token: Token("FLEET-1")))).IdTokenInfo!.Status);
    }

    [Fact]
    public async Task C16_A_master_pass_is_Accepted_with_its_group_may_stop_any_transaction_and_starts_none()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:MasterPassGroupId", "POLICE"));
        await csms.AddTokenAsync(new { idToken = "OFFICER", type = "ISO14443", groupIdToken = "POLICE", groupIdTokenType = "Central" });
        await csms.AddTokenAsync(new { idToken = "ANNA", type = "ISO14443" });
        await using var station = await csms.BootedStationAsync("CS-C16");

        var pass = (await station.CallAsync(Authorize("OFFICER"))).IdTokenInfo;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, pass.Status);
        Assert.Equal("POLICE", pass.GroupIdToken?.IdToken);

        // It stops Anna's transaction: the Ended event with stoppedReason MasterPass and the master pass is Accepted.
        await station.CallAsync(Event("tx-c16", 0, TransactionEventEnumType.Started, token: Token("ANNA")));
        var end = Event("tx-c16", 1, TransactionEventEnumType.Ended, token: Token("OFFICER"));
        end.TriggerReason = TriggerReasonEnumType.StopAuthorized;
        end.TransactionInfo.StoppedReason = ReasonEnumType.MasterPass;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(end)).IdTokenInfo!.Status);

        // A station that starts a transaction with it anyway is told Invalid (C16.FR.03), so it ends it (E05).
        Assert.Equal(AuthorizationStatusEnumType.Invalid, (await station.CallAsync(Event("tx-c16b", 0, TransactionEventEnumType.Started, token: Token("OFFICER")))).IdTokenInfo!.Status);
        await station.CallAsync(Event("tx-c16c", 0, TransactionEventEnumType.Started));
        var authorized = Event("tx-c16c", 1, TransactionEventEnumType.Updated, token: Token("OFFICER"));
        authorized.TriggerReason = TriggerReasonEnumType.Authorized;
        Assert.Equal(AuthorizationStatusEnumType.Invalid, (await station.CallAsync(authorized)).IdTokenInfo!.Status);
    }

    [Fact]
    public async Task C16_Without_Csms_MasterPassGroupId_a_token_of_that_group_is_an_ordinary_token()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.AddTokenAsync(new { idToken = "OFFICER", type = "ISO14443", groupIdToken = "POLICE", groupIdTokenType = "Central" });
        await using var station = await csms.BootedStationAsync("CS-C16N");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, (await station.CallAsync(Event("tx-c16n", 0, TransactionEventEnumType.Started, token: Token("OFFICER")))).IdTokenInfo!.Status);
    }
}
