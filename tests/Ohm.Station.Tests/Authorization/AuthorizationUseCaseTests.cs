using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.AuthorizationUseCases;

/// <summary>
/// Block C on the station, on a fake context (no CSMS, no WebSocket): the start button (C02), the payment terminal
/// (C03), PIN codes (C04), local id types (C06), groups (C09) and the master pass (C16). The fake CSMS answers
/// Authorize from <see cref="Tokens"/>; TransactionEvents are queued and read from the queue.
/// </summary>
public sealed class AuthorizationUseCaseTests
{
    private static readonly IdTokenType Family = new() { IdToken = "FAMILY", Type = IdTokenEnumType.Central };
    private static readonly IdTokenType Police = new() { IdToken = "POLICE", Type = IdTokenEnumType.Central };

    /// <summary>What the fake CSMS knows: idToken to (status, group).</summary>
    private static readonly Dictionary<string, (AuthorizationStatusEnumType Status, IdTokenType? Group)> Tokens = new(StringComparer.Ordinal)
    {
        ["ANNA"] = (AuthorizationStatusEnumType.Accepted, Family),
        ["BOB"] = (AuthorizationStatusEnumType.Accepted, Family),
        ["BLOCKED-KID"] = (AuthorizationStatusEnumType.Blocked, Family),
        ["STRANGER"] = (AuthorizationStatusEnumType.Accepted, null),
        ["OFFICER"] = (AuthorizationStatusEnumType.Accepted, Police),
        ["1234"] = (AuthorizationStatusEnumType.Accepted, null),
        ["TICKET-77"] = (AuthorizationStatusEnumType.Accepted, null),
    };

    private static FakeStationContext Online(DeviceModelConfig? config = null)
    {
        var context = new FakeStationContext(config) { IsOnline = true };
        context.Answer = request => request switch
        {
            AuthorizeRequest authorize => new AuthorizeResponse
            {
                IdTokenInfo = Tokens.TryGetValue(authorize.IdToken.IdToken, out var known)
                    ? new IdTokenInfoType { Status = known.Status, GroupIdToken = known.Group }
                    : new IdTokenInfoType { Status = AuthorizationStatusEnumType.Unknown },
            },
            _ => throw new InvalidOperationException("unexpected " + request.GetType().Name),
        };
        return context;
    }

    private static List<TransactionEventRequest> Events(FakeStationContext context) => context.Queued.OfType<TransactionEventRequest>().ToList();

    private static List<AuthorizeRequest> Authorizes(FakeStationContext context) => context.Calls.OfType<AuthorizeRequest>().ToList();

    [Fact]
    public async Task C02_The_start_button_authorizes_with_NoAuthorization_without_Authorize_and_pressed_again_stops()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PressStartButtonAsync(1));

        var started = Assert.Single(Events(context), e => e.EventType == TransactionEventEnumType.Started);
        Assert.Equal(IdTokenEnumType.NoAuthorization, started.IdToken?.Type);
        Assert.Equal(string.Empty, started.IdToken?.IdToken);
        Assert.Empty(Authorizes(context));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PressStartButtonAsync(1));
        var ended = Assert.Single(Events(context), e => e.EventType == TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.StopAuthorized, ended.TriggerReason);
        Assert.Null(context.Evses[1].Transaction);
        Assert.Empty(Authorizes(context));
    }

    [Fact]
    public async Task C03_FR_01_A_payment_accepted_by_the_terminal_authorizes_a_Central_token_without_Authorize()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await authorization.PaymentAcceptedAsync(2, "PSP-REF-9");
        await transactions.PlugInAsync(2);

        var started = Assert.Single(Events(context), e => e.EventType == TransactionEventEnumType.Started);
        Assert.Equal(new IdTokenType { IdToken = "PSP-REF-9", Type = IdTokenEnumType.Central }.IdToken, started.IdToken?.IdToken);
        Assert.Equal(IdTokenEnumType.Central, started.IdToken?.Type);
        Assert.Equal(2, started.Evse?.Id);
        Assert.Empty(Authorizes(context));

        // A second payment cannot take over the transaction it paid for.
        await Assert.ThrowsAsync<InvalidOperationException>(() => authorization.PaymentAcceptedAsync(2, "PSP-REF-10"));
    }

    [Fact]
    public async Task C04_A_PIN_is_authorized_as_a_KeyCode_and_a_wrong_one_starts_nothing_and_no_PIN_is_logged()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await authorization.EnterPinAsync(1, "9999"));
        Assert.Null(context.Evses[1].Transaction);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.EnterPinAsync(1, "1234"));
        Assert.All(Authorizes(context), a => Assert.Equal(IdTokenEnumType.KeyCode, a.IdToken.Type));
        Assert.Equal(["9999", "1234"], Authorizes(context).Select(a => a.IdToken.IdToken));
        var started = Assert.Single(Events(context), e => e.EventType == TransactionEventEnumType.Started);
        Assert.Equal(IdTokenEnumType.KeyCode, started.IdToken?.Type);
        Assert.DoesNotContain(context.Reports, r => r.Contains("1234", StringComparison.Ordinal) || r.Contains("9999", StringComparison.Ordinal));
    }

    [Fact]
    public async Task C06_A_local_id_type_is_authorized_with_Authorize_like_any_token()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "TICKET-77", IdTokenEnumType.Local));
        var authorize = Assert.Single(Authorizes(context));
        Assert.Equal(IdTokenEnumType.Local, authorize.IdToken.Type);
        Assert.Equal(IdTokenEnumType.Local, Assert.Single(Events(context)).IdToken?.Type);
    }

    [Fact]
    public async Task C09_FR_03_Another_Accepted_token_of_the_group_stops_the_transaction_and_goes_with_the_stop_event()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        await authorization.PresentTokenAsync(1, "ANNA");
        Assert.NotNull(context.Evses[1].Transaction);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "BOB"));
        var ended = Assert.Single(Events(context), e => e.EventType == TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.StopAuthorized, ended.TriggerReason);
        Assert.Equal(ReasonEnumType.Local, ended.TransactionInfo.StoppedReason);
        Assert.Equal("BOB", ended.IdToken?.IdToken);
        Assert.Null(context.Evses[1].Transaction);
    }

    [Fact]
    public async Task C09_FR_07_With_LocalPreAuthorize_a_cached_token_of_the_group_stops_the_transaction_without_Authorize()
    {
        using var context = Online(StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var (transactions, authorization, _, _) = context.Blocks();
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(new IdTokenType { IdToken = "BOB", Type = IdTokenEnumType.ISO14443 }));
        await transactions.PlugInAsync(1);
        await authorization.PresentTokenAsync(1, "ANNA");
        Assert.NotNull(context.Evses[1].Transaction);
        var asked = Authorizes(context).Count;

        await authorization.PresentTokenAsync(1, "BOB");
        Assert.Null(context.Evses[1].Transaction);
        Assert.Equal(asked, Authorizes(context).Count);
    }

    [Fact]
    public async Task C09_FR_11_A_token_of_the_group_that_is_not_Accepted_does_not_stop_the_transaction()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        await authorization.PresentTokenAsync(1, "ANNA");
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.PresentTokenAsync(1, "BLOCKED-KID"));
        Assert.NotNull(context.Evses[1].Transaction);
        Assert.Equal("ANNA", context.Evses[1].AuthorizedToken?.IdToken);
    }

    [Fact]
    public async Task C09_A_token_without_the_group_neither_stops_nor_takes_over_the_transaction()
    {
        using var context = Online();
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        await authorization.PresentTokenAsync(1, "ANNA");
        Assert.NotEqual(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "STRANGER"));
        Assert.NotNull(context.Evses[1].Transaction);
        Assert.Equal("ANNA", context.Evses[1].AuthorizedToken?.IdToken);
        Assert.DoesNotContain(Events(context), e => e.IdToken?.IdToken == "STRANGER");
    }

    [Fact]
    public async Task C09_Offline_the_groupIdToken_of_local_list_entries_lets_one_member_stop_the_others_transaction()
    {
        using var context = Online(StationHarness.Config(c => c.With("LocalAuthListCtrlr", "Enabled", "true")));
        var (transactions, authorization, _, list) = context.Blocks();
        AuthorizationData Entry(string id) => new()
        {
            IdToken = new IdTokenType { IdToken = id, Type = IdTokenEnumType.ISO14443 },
            IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted, GroupIdToken = Family },
        };
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(new SendLocalListRequest { UpdateType = UpdateEnumType.Full, VersionNumber = 1, LocalAuthorizationList = [Entry("LIST-1"), Entry("LIST-2")] }).Status);
        Assert.Equal("FAMILY", list.GroupOf(new IdTokenType { IdToken = "LIST-2", Type = IdTokenEnumType.ISO14443 })?.IdToken);

        context.IsOnline = false;
        await transactions.PlugInAsync(1);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "LIST-1"));
        Assert.NotNull(context.Evses[1].Transaction);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "LIST-2"));
        Assert.Null(context.Evses[1].Transaction);
        Assert.Empty(Authorizes(context));
    }

    [Fact]
    public async Task C16_FR_02_A_master_pass_stops_every_ongoing_transaction_with_stoppedReason_MasterPass()
    {
        using var context = Online(StationHarness.Config(c => c.With("AuthCtrlr", "MasterPassGroupId", "POLICE")));
        var (transactions, authorization, _, _) = context.Blocks();
        await transactions.PlugInAsync(1);
        await authorization.PresentTokenAsync(1, "ANNA");
        await transactions.PlugInAsync(2);
        await authorization.PresentTokenAsync(2, "STRANGER");
        Assert.All(context.Evses.Values, e => Assert.NotNull(e.Transaction));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "OFFICER"));
        var ended = Events(context).Where(e => e.EventType == TransactionEventEnumType.Ended).ToList();
        Assert.Equal(2, ended.Count);
        Assert.All(ended, e =>
        {
            Assert.Equal(ReasonEnumType.MasterPass, e.TransactionInfo.StoppedReason);
            Assert.Equal(TriggerReasonEnumType.StopAuthorized, e.TriggerReason);
        });
        Assert.All(context.Evses.Values, e => Assert.Null(e.Transaction));
        Assert.All(context.Evses.Values, e => Assert.Null(e.AuthorizedToken));
    }

    [Fact]
    public async Task C16_FR_03_A_master_pass_starts_no_transaction_and_without_MasterPassGroupId_it_is_an_ordinary_token()
    {
        using (var context = Online(StationHarness.Config(c => c.With("AuthCtrlr", "MasterPassGroupId", "police"))))
        {
            var (transactions, authorization, _, _) = context.Blocks();
            await transactions.PlugInAsync(1);
            Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.PresentTokenAsync(1, "OFFICER"));
            Assert.Null(context.Evses[1].AuthorizedToken);
            Assert.Empty(Events(context));
        }

        using (var context = Online())
        {
            var (transactions, authorization, _, _) = context.Blocks();
            await transactions.PlugInAsync(1);
            await authorization.PresentTokenAsync(1, "OFFICER");
            Assert.Equal("OFFICER", context.Evses[1].AuthorizedToken?.IdToken);
            Assert.NotNull(context.Evses[1].Transaction);
        }
    }
}
