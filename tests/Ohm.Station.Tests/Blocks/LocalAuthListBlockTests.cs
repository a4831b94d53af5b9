using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Blocks;

/// <summary>The local authorization list (D01, D02) and its use in authorization (C13, C14) on a fake context.</summary>
public sealed class LocalAuthListBlockTests
{
    private static IdTokenType T(string id) => new() { IdToken = id, Type = IdTokenEnumType.ISO14443 };

    private static AuthorizationData Entry(string id, AuthorizationStatusEnumType? status = AuthorizationStatusEnumType.Accepted, DateTimeOffset? expiry = null) => new()
    {
        IdToken = T(id),
        IdTokenInfo = status is null ? null : new IdTokenInfoType { Status = status.Value, CacheExpiryDateTime = expiry },
    };

    private static SendLocalListRequest Full(int version, params AuthorizationData[] entries) => new()
    {
        UpdateType = UpdateEnumType.Full,
        VersionNumber = version,
        LocalAuthorizationList = entries.Length == 0 ? null : [.. entries],
    };

    private static SendLocalListRequest Differential(int version, params AuthorizationData[] entries) => new()
    {
        UpdateType = UpdateEnumType.Differential,
        VersionNumber = version,
        LocalAuthorizationList = [.. entries],
    };

    private static string Describe(SendLocalListResponse r) => $"{r.Status}:{r.StatusInfo?.ReasonCode}{r.StatusInfo?.AdditionalInfo}";

    private static string[] Ids(Station.Blocks.LocalAuthList list) => [.. list.Entries().Select(e => e.IdToken.IdToken)];

    [Fact]
    public void D01_A_Full_list_replaces_the_list_and_sets_the_version_and_Entries()
    {
        using var context = new FakeStationContext();
        var list = context.Blocks().LocalAuthList;
        Assert.Equal(0, list.Version);
        Assert.Equal("Accepted:", Describe(list.Apply(Full(1, Entry("A"), Entry("B")))));
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Full(2, Entry("C"), Entry("D", AuthorizationStatusEnumType.Blocked))).Status);
        Assert.Equal(["C", "D"], Ids(list));
        Assert.Equal(2, list.Version);
        Assert.Equal("2", context.Model.Value("LocalAuthListCtrlr", "Entries"));
        Assert.Equal(AuthorizationStatusEnumType.Blocked, list.Entries()[1].Status);
    }

    [Fact]
    public void D01_A_Full_list_without_entries_clears_the_list_and_keeps_its_version()
    {
        using var context = new FakeStationContext();
        var list = context.Blocks().LocalAuthList;
        list.Apply(Full(1, Entry("A")));
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Full(5)).Status);
        Assert.Empty(list.Entries());
        Assert.Equal(5, list.Version);
        Assert.Equal("0", context.Model.Value("LocalAuthListCtrlr", "Entries"));
    }

    [Fact]
    public void D01_A_Differential_adds_and_updates_entries_with_idTokenInfo_and_removes_those_without()
    {
        using var context = new FakeStationContext();
        var list = context.Blocks().LocalAuthList;
        list.Apply(Full(1, Entry("A"), Entry("B")));
        var response = list.Apply(Differential(2, Entry("A", AuthorizationStatusEnumType.Blocked), Entry("B", null), Entry("C"), Entry("NOT-HELD", null)));
        Assert.Equal(SendLocalListStatusEnumType.Accepted, response.Status);
        Assert.Equal(["A", "C"], Ids(list));
        Assert.Equal(AuthorizationStatusEnumType.Blocked, list.Entries()[0].Status);
        Assert.Equal(2, list.Version);
        Assert.Equal("2", context.Model.Value("LocalAuthListCtrlr", "Entries"));
    }

    [Fact]
    public void D01_A_Differential_whose_version_is_not_newer_is_a_VersionMismatch_and_changes_nothing()
    {
        using var context = new FakeStationContext();
        var list = context.Blocks().LocalAuthList;
        list.Apply(Full(3, Entry("A")));
        Assert.Equal(SendLocalListStatusEnumType.VersionMismatch, list.Apply(Differential(3, Entry("B"))).Status);
        Assert.Equal(SendLocalListStatusEnumType.VersionMismatch, list.Apply(Differential(2, Entry("A", null))).Status);
        Assert.Equal(["A"], Ids(list));
        Assert.Equal(3, list.Version);

        // A Full list replaces whatever version is held.
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Full(1, Entry("B"))).Status);
        Assert.Equal(1, list.Version);
    }

    [Fact]
    public void D01_More_entries_than_the_capacity_Failed_with_statusInfo_and_the_list_unchanged()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.Components.Single(k => k.Name == "LocalAuthListCtrlr").Variables.Single(v => v.Name == "Entries").MaxLimit = 2));
        var list = context.Blocks().LocalAuthList;
        Assert.Equal(2, list.Capacity);
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Full(1, Entry("A"), Entry("B"))).Status);

        var response = list.Apply(Differential(2, Entry("C"), Entry("A", null), Entry("D")));
        Assert.Equal(SendLocalListStatusEnumType.Failed, response.Status);
        Assert.Equal("ListFull", response.StatusInfo?.ReasonCode);
        Assert.Equal(["A", "B"], Ids(list));
        Assert.Equal(1, list.Version);
        Assert.Equal(SendLocalListStatusEnumType.Failed, list.Apply(Full(3, Entry("X"), Entry("Y"), Entry("Z"))).Status);
        Assert.Equal(["A", "B"], Ids(list));

        // Within the capacity once a removal makes room.
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Differential(2, Entry("C"), Entry("A", null))).Status);
        Assert.Equal(["B", "C"], Ids(list));
    }

    [Fact]
    public void D01_FR_06_FR_18_More_entries_than_ItemsPerMessage_a_repeated_idToken_a_Full_entry_without_idTokenInfo_or_version_0_Failed()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("LocalAuthListCtrlr", "ItemsPerMessage", "2")));
        var list = context.Blocks().LocalAuthList;
        Assert.Equal("TooManyItems", list.Apply(Full(1, Entry("A"), Entry("B"), Entry("C"))).StatusInfo?.ReasonCode);
        Assert.Equal("DuplicateIdToken", list.Apply(Full(1, Entry("A"), Entry("A"))).StatusInfo?.ReasonCode);
        Assert.Equal("MissingIdTokenInfo", list.Apply(Full(1, Entry("A"), Entry("B", null))).StatusInfo?.ReasonCode);
        Assert.Equal("InvalidValue", list.Apply(Full(0, Entry("A"))).StatusInfo?.ReasonCode);
        Assert.Equal("InvalidValue", list.Apply(Differential(-1, Entry("A"))).StatusInfo?.ReasonCode);
        Assert.Empty(list.Entries());
        Assert.Equal(0, list.Version);
    }

    [Fact]
    public async Task D01_D02_With_Enabled_false_SendLocalList_Failed_the_version_is_0_and_the_list_is_not_used()
    {
        using var context = new FakeStationContext();
        var blocks = context.Blocks();
        var list = blocks.LocalAuthList;
        list.Apply(Full(4, Entry("A")));
        context.Model.Set("LocalAuthListCtrlr", "Enabled", "false");
        var response = list.Apply(Full(5, Entry("B")));
        Assert.Equal(SendLocalListStatusEnumType.Failed, response.Status);
        Assert.Equal("Disabled", response.StatusInfo?.ReasonCode);
        Assert.Equal(0, (await list.GetLocalListVersion(new GetLocalListVersionRequest(), null!, CancellationToken.None)).VersionNumber);

        // Offline, the disabled list does not authorize A.
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await blocks.Authorization.AuthorizeAsync(T("A")));

        context.Model.Set("LocalAuthListCtrlr", "Enabled", "true");
        Assert.Equal(4, (await list.GetLocalListVersion(new GetLocalListVersionRequest(), null!, CancellationToken.None)).VersionNumber);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await blocks.Authorization.AuthorizeAsync(T("A")));
    }

    [Fact]
    public async Task C13_Offline_a_listed_Accepted_token_authorizes_a_listed_Blocked_one_does_not_and_an_unknown_follows_OfflineTxForUnknownIdEnabled()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true")));
        var (_, authorization, _, list) = context.Blocks();
        list.Apply(Full(1, Entry("OK"), Entry("BAD", AuthorizationStatusEnumType.Blocked)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("OK")));
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.AuthorizeAsync(T("BAD")));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("STRANGER")));
        Assert.Empty(context.Calls);

        // Without LocalAuthorizeOffline the list is not used offline: every token is unknown.
        context.Model.Set("AuthCtrlr", "LocalAuthorizeOffline", "false");
        context.Model.Set("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "false");
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await authorization.AuthorizeAsync(T("OK")));
    }

    [Fact]
    public async Task C13_A_listed_entry_past_its_cacheExpiryDateTime_counts_as_absent_when_SupportsExpiryDateTime()
    {
        using var context = new FakeStationContext();
        var (_, authorization, _, list) = context.Blocks();
        list.Apply(Full(1, Entry("SOON", expiry: context.Clock.GetUtcNow().AddMinutes(10))));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("SOON")));
        context.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await authorization.AuthorizeAsync(T("SOON")));
        Assert.Single(list.Entries());

        // A station that does not support the expiry ignores it.
        using var ignoring = new FakeStationContext(StationHarness.Config(c => c.With("LocalAuthListCtrlr", "SupportsExpiryDateTime", "false")));
        var blocks = ignoring.Blocks();
        blocks.LocalAuthList.Apply(Full(1, Entry("SOON", expiry: ignoring.Clock.GetUtcNow().AddMinutes(10))));
        ignoring.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await blocks.Authorization.AuthorizeAsync(T("SOON")));
    }

    [Fact]
    public async Task C13_C14_The_list_wins_over_the_cache()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var (_, authorization, _, list) = context.Blocks();
        context.IsOnline = true;
        context.Answer = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } };
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("BOTH")));
        Assert.Single(context.Calls);

        // The cache says Accepted; the list says Blocked, and is believed offline.
        list.Apply(Full(1, Entry("BOTH", AuthorizationStatusEnumType.Blocked)));
        context.IsOnline = false;
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.AuthorizeAsync(T("BOTH")));
    }

    [Fact]
    public async Task C14_Online_with_LocalPreAuthorize_a_listed_Accepted_token_is_accepted_without_Authorize()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var (_, authorization, _, list) = context.Blocks();
        context.IsOnline = true;
        context.Answer = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Invalid } };
        list.Apply(Full(1, Entry("LISTED")));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("LISTED")));
        Assert.Empty(context.Calls);

        // Without LocalPreAuthorize the CSMS is asked, and its answer counts.
        context.Model.Set("AuthCtrlr", "LocalPreAuthorize", "false");
        Assert.Equal(AuthorizationStatusEnumType.Invalid, await authorization.AuthorizeAsync(T("LISTED")));
        Assert.IsType<AuthorizeRequest>(Assert.Single(context.Calls));
    }

    [Fact]
    public async Task C14_FR_03_A_listed_token_not_Accepted_is_post_authorized_unless_DisablePostAuthorize()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var (_, authorization, _, list) = context.Blocks();
        context.IsOnline = true;
        context.Answer = _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } };
        list.Apply(Full(1, Entry("BLOCKED", AuthorizationStatusEnumType.Blocked)));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await authorization.AuthorizeAsync(T("BLOCKED")));
        Assert.Single(context.Calls);

        context.Model.Set("LocalAuthListCtrlr", "DisablePostAuthorize", "true");
        Assert.Equal(AuthorizationStatusEnumType.Blocked, await authorization.AuthorizeAsync(T("BLOCKED")));
        Assert.Single(context.Calls);
    }

    [Fact]
    public void D01_A_message_longer_than_BytesPerMessage_Failed()
    {
        using var context = new FakeStationContext(StationHarness.Config(c => c.With("LocalAuthListCtrlr", "BytesPerMessage", "200")));
        var list = context.Blocks().LocalAuthList;
        Assert.Equal(SendLocalListStatusEnumType.Accepted, list.Apply(Full(1, Entry("A"))).Status);
        var response = list.Apply(Full(2, [.. Enumerable.Range(0, 10).Select(i => Entry("TOKEN-" + i))]));
        Assert.Equal("TooManyBytes", response.StatusInfo?.ReasonCode);
        Assert.Equal(["A"], Ids(list));
    }

    [Fact]
    public void D01_FR_05_A_Differential_without_entries_changes_only_the_version()
    {
        using var context = new FakeStationContext();
        var list = context.Blocks().LocalAuthList;
        list.Apply(Full(1, Entry("A")));
        var response = list.Apply(new SendLocalListRequest { UpdateType = UpdateEnumType.Differential, VersionNumber = 2 });
        Assert.Equal(SendLocalListStatusEnumType.Accepted, response.Status);
        Assert.Equal(2, list.Version);
        Assert.Equal(["A"], Ids(list));
    }
}
