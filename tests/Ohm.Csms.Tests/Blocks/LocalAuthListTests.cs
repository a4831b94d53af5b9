using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block D, local authorization lists, on the CSMS side: the difference, the split and the answers, with the wire faked.</summary>
public sealed class LocalAuthListTests
{
    private const string Station = "CS-D";

    private static IdTokenRecord Token(string id, string? group = null, AuthorizationStatusEnumType status = AuthorizationStatusEnumType.Accepted) => new()
    {
        IdToken = id,
        Type = IdTokenEnumType.ISO14443,
        Status = status,
        GroupIdToken = group,
        GroupIdTokenType = group is null ? null : IdTokenEnumType.Central,
        CreatedAt = BlockTestBed.T0,
        UpdatedAt = BlockTestBed.T0,
    };

    private static async Task<BlockTestBed> BedAsync(params IdTokenRecord[] tokens)
    {
        var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync(Station);
        await bed.WriteAsync(db =>
        {
            db.IdTokens.AddRange(tokens);
            return Task.CompletedTask;
        });
        bed.Router
            .Answer<GetLocalListVersionRequest, GetLocalListVersionResponse>(new GetLocalListVersionResponse { VersionNumber = 0 })
            .Answer<SendLocalListRequest, SendLocalListResponse>(new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted })
            .Answer<GetVariablesRequest, GetVariablesResponse>(r => Limits(r, null));
        return bed;
    }

    /// <summary>The station's answer to the CSMS's read of its LocalAuthListCtrlr limits: <paramref name="items"/>, or unknown.</summary>
    private static GetVariablesResponse Limits(GetVariablesRequest request, string? items) => new()
    {
        GetVariableResult = [.. request.GetVariableData.Select(d => new GetVariableResultType
        {
            AttributeStatus = items is not null && d.Variable.Name == "ItemsPerMessage" ? GetVariableStatusEnumType.Accepted : GetVariableStatusEnumType.UnknownVariable,
            AttributeValue = items is not null && d.Variable.Name == "ItemsPerMessage" ? items : null,
            Component = d.Component,
            Variable = d.Variable,
        })],
    };

    [Fact]
    public async Task D01_with_no_stored_limits_the_CSMS_reads_LocalAuthListCtrlr_ItemsPerMessage_from_the_station_once_and_splits_by_it()
    {
        await using var bed = await BedAsync(Token("A", "G"), Token("B", "G"), Token("C", "G"));
        bed.Router.Answer<GetVariablesRequest, GetVariablesResponse>(r => Limits(r, "2"));
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var read = Assert.Single(bed.Router.Requests<GetVariablesRequest>());
        Assert.All(read.GetVariableData, d => Assert.Equal("LocalAuthListCtrlr", d.Component.Name));
        Assert.Equal(
            [(UpdateEnumType.Full, 1, "A,B"), (UpdateEnumType.Differential, 2, "C")],
            bed.Router.Requests<SendLocalListRequest>().Select(r => (r.UpdateType, r.VersionNumber, Ids(r))));

        // Stored in the device model: the next update does not ask again.
        Assert.True(await bed.LocalAuthList.RequestSyncAsync(Station, full: true, CancellationToken.None));
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);
        Assert.Single(bed.Router.Requests<GetVariablesRequest>());
        Assert.Equal(4, bed.Router.Requests<SendLocalListRequest>().Count);
    }

    private static LocalAuthList.Membership Members(string[] groups, params string[] idTokens) =>
        new(groups, [.. idTokens.Select(t => new IdTokenType { IdToken = t, Type = IdTokenEnumType.ISO14443 })]);

    private static Task<LocalListRecord> ListAsync(BlockTestBed bed) =>
        bed.ReadAsync(db => db.LocalLists.AsNoTracking().SingleAsync(l => l.StationId == Station));

    private static Task<List<string>> EntriesAsync(BlockTestBed bed) =>
        bed.ReadAsync(db => db.LocalListEntries.AsNoTracking().Where(e => e.StationId == Station).OrderBy(e => e.IdToken).Select(e => e.IdToken).ToListAsync());

    private static string Ids(SendLocalListRequest request) =>
        string.Join(",", (request.LocalAuthorizationList ?? []).Select(e => e.IdToken.IdToken + (e.IdTokenInfo is null ? "-" : "")));

    [Fact]
    public async Task D01_a_membership_sends_a_Full_update_with_the_tokens_of_its_groups_and_its_single_tokens_after_D02_asked_the_version()
    {
        var personal = Token("A", "G");
        personal.Language = "nl";
        personal.PersonalMessage = "Hallo";
        personal.ExpiresAt = BlockTestBed.T0.AddDays(30);
        await using var bed = await BedAsync(personal, Token("B", "G"), Token("C", "OTHER"), Token("D"), Token("E"));

        Assert.True(await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"], "D"), CancellationToken.None));
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        Assert.Single(bed.Router.Requests<GetLocalListVersionRequest>());
        var sent = Assert.Single(bed.Router.Requests<SendLocalListRequest>());
        Assert.Equal(UpdateEnumType.Full, sent.UpdateType);
        Assert.Equal(1, sent.VersionNumber);
        Assert.Equal("A,B,D", Ids(sent));
        var info = sent.LocalAuthorizationList![0].IdTokenInfo!;
        Assert.Equal(AuthorizationStatusEnumType.Accepted, info.Status);
        Assert.Equal(BlockTestBed.T0.AddDays(30), info.CacheExpiryDateTime);
        Assert.Equal("G", info.GroupIdToken!.IdToken);
        Assert.Equal("nl", info.Language1);
        Assert.Equal("Hallo", info.PersonalMessage!.Content);

        var list = await ListAsync(bed);
        Assert.Equal(LocalListState.InSync, list.State);
        Assert.Equal(1, list.Version);
        Assert.Equal(["A", "B", "D"], await EntriesAsync(bed));
    }

    [Fact]
    public async Task D01_a_changed_token_and_a_deleted_one_go_as_one_Differential_update_with_only_those_entries()
    {
        await using var bed = await BedAsync(Token("A", "G"), Token("B", "G"), Token("C", "G"));
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        await bed.WriteAsync(async db =>
        {
            (await db.IdTokens.SingleAsync(t => t.IdToken == "B")).Status = AuthorizationStatusEnumType.Blocked;
            db.IdTokens.Remove(await db.IdTokens.SingleAsync(t => t.IdToken == "A"));
        });
        Assert.Equal([Station], await bed.LocalAuthList.TokensChangedAsync(CancellationToken.None));
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        Assert.Single(bed.Router.Requests<GetLocalListVersionRequest>());
        var sent = bed.Router.Requests<SendLocalListRequest>();
        Assert.Equal(2, sent.Count);
        Assert.Equal(UpdateEnumType.Differential, sent[1].UpdateType);
        Assert.Equal(2, sent[1].VersionNumber);
        Assert.Equal("B,A-", Ids(sent[1]));
        Assert.Equal(AuthorizationStatusEnumType.Blocked, sent[1].LocalAuthorizationList![0].IdTokenInfo!.Status);
        Assert.Equal(["B", "C"], await EntriesAsync(bed));
        Assert.Equal(LocalListState.InSync, (await ListAsync(bed)).State);
    }

    [Fact]
    public async Task D01_a_change_that_leaves_the_list_as_it_is_sends_nothing()
    {
        await using var bed = await BedAsync(Token("A", "G"), Token("X", "OTHER"));
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        await bed.WriteAsync(async db => (await db.IdTokens.SingleAsync(t => t.IdToken == "X")).Status = AuthorizationStatusEnumType.Blocked);
        await bed.LocalAuthList.TokensChangedAsync(CancellationToken.None);
        Assert.Equal(LocalListState.Pending, (await ListAsync(bed)).State);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        Assert.Single(bed.Router.Requests<SendLocalListRequest>());
        Assert.Equal(LocalListState.InSync, (await ListAsync(bed)).State);
    }

    [Fact]
    public async Task D01_VersionMismatch_to_a_Differential_update_is_followed_by_a_Full_update_with_a_higher_version()
    {
        await using var bed = await BedAsync(Token("A", "G"), Token("B", "G"));
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        bed.Router.Answer<SendLocalListRequest, SendLocalListResponse>(r => new SendLocalListResponse
        {
            Status = r.UpdateType == UpdateEnumType.Differential ? SendLocalListStatusEnumType.VersionMismatch : SendLocalListStatusEnumType.Accepted,
        });
        bed.Router.Answer<GetLocalListVersionRequest, GetLocalListVersionResponse>(new GetLocalListVersionResponse { VersionNumber = 5 });
        await bed.WriteAsync(async db => (await db.IdTokens.SingleAsync(t => t.IdToken == "B")).Status = AuthorizationStatusEnumType.Blocked);
        await bed.LocalAuthList.TokensChangedAsync(CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var sent = bed.Router.Requests<SendLocalListRequest>();
        Assert.Equal(3, sent.Count);
        Assert.Equal((UpdateEnumType.Differential, 2, "B"), (sent[1].UpdateType, sent[1].VersionNumber, Ids(sent[1])));

        // The station's version is asked again: it says 5, so the Full update is 6.
        Assert.Equal(2, bed.Router.Requests<GetLocalListVersionRequest>().Count);
        Assert.Equal((UpdateEnumType.Full, 6, "A,B"), (sent[2].UpdateType, sent[2].VersionNumber, Ids(sent[2])));
        var list = await ListAsync(bed);
        Assert.Equal((LocalListState.InSync, 6), (list.State, list.Version));
    }

    [Fact]
    public async Task D01_a_list_larger_than_ItemsPerMessageSendLocalList_goes_as_a_Full_part_then_Differential_parts_each_with_a_higher_version()
    {
        await using var bed = await BedAsync(Token("A", "G"), Token("B", "G"), Token("C", "G"), Token("D", "G"), Token("E", "G"));
        await bed.WriteAsync(db => DeviceModelStore.UpsertAsync(db, Station, [new ReportDataType
        {
            Component = new ComponentType { Name = "LocalAuthListCtrlr" },
            Variable = new VariableType { Name = "ItemsPerMessage" },
            VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = "2" }],
        }], BlockTestBed.T0));

        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var sent = bed.Router.Requests<SendLocalListRequest>();
        Assert.Equal(
            [(UpdateEnumType.Full, 1, "A,B"), (UpdateEnumType.Differential, 2, "C,D"), (UpdateEnumType.Differential, 3, "E")],
            sent.Select(r => (r.UpdateType, r.VersionNumber, Ids(r))));
        var list = await ListAsync(bed);
        Assert.Equal((LocalListState.InSync, 3), (list.State, list.Version));
        Assert.Equal(5, (await EntriesAsync(bed)).Count);
    }

    [Fact]
    public async Task D01_a_list_larger_than_BytesPerMessageSendLocalList_is_split_so_that_each_message_fits()
    {
        var tokens = Enumerable.Range(0, 12).Select(i => Token("TOKEN-" + i.ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "G")).ToArray();
        await using var bed = await BedAsync(tokens);
        const int Limit = 400;
        await bed.WriteAsync(db => DeviceModelStore.UpsertAsync(db, Station, [new ReportDataType
        {
            Component = new ComponentType { Name = "LocalAuthListCtrlr" },
            Variable = new VariableType { Name = "BytesPerMessage" },
            VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) }],
        }], BlockTestBed.T0));

        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var calls = bed.Router.Calls.Where(c => c.Action == OcppActions.SendLocalList).ToList();
        Assert.True(calls.Count > 1);
        Assert.All(calls, c => Assert.True(c.Payload.Length + 2 + 1 + 38 + 1 + "SendLocalList".Length + 2 + 1 <= Limit, $"{c.Payload.Length} bytes"));
        Assert.Equal(12, calls.Sum(c => ((SendLocalListRequest)c.Request!).LocalAuthorizationList!.Count));
        Assert.Equal(UpdateEnumType.Full, ((SendLocalListRequest)calls[0].Request!).UpdateType);
    }

    [Fact]
    public async Task D02_a_station_holding_another_version_than_the_CSMS_knows_gets_a_Full_update_above_it()
    {
        await using var bed = await BedAsync(Token("A", "G"));
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        bed.Router.Answer<GetLocalListVersionRequest, GetLocalListVersionResponse>(new GetLocalListVersionResponse { VersionNumber = 41 });
        await bed.LocalAuthList.TokensChangedAsync(CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: true, CancellationToken.None);

        var sent = bed.Router.Requests<SendLocalListRequest>();
        Assert.Equal(2, sent.Count);
        Assert.Equal((UpdateEnumType.Full, 42, "A"), (sent[1].UpdateType, sent[1].VersionNumber, Ids(sent[1])));
    }

    [Fact]
    public async Task D01_an_empty_wanted_list_is_a_Full_update_without_entries()
    {
        await using var bed = await BedAsync(Token("A", "G"));
        bed.Router.Answer<GetLocalListVersionRequest, GetLocalListVersionResponse>(new GetLocalListVersionResponse { VersionNumber = 3 });
        await bed.LocalAuthList.SetMembershipAsync(Station, Members([]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var sent = Assert.Single(bed.Router.Requests<SendLocalListRequest>());
        Assert.Equal((UpdateEnumType.Full, 4), (sent.UpdateType, sent.VersionNumber));
        Assert.Null(sent.LocalAuthorizationList);
        Assert.Equal(LocalListState.InSync, (await ListAsync(bed)).State);
    }

    [Fact]
    public async Task D01_Failed_is_stored_with_the_station_reason_and_retried_at_the_next_sync()
    {
        await using var bed = await BedAsync(Token("A", "G"));
        bed.Router.Answer<SendLocalListRequest, SendLocalListResponse>(new SendLocalListResponse
        {
            Status = SendLocalListStatusEnumType.Failed,
            StatusInfo = new StatusInfoType { ReasonCode = "StorageFull", AdditionalInfo = "no room" },
        });
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        var list = await ListAsync(bed);
        Assert.Equal(LocalListState.Failed, list.State);
        Assert.Equal("Failed: StorageFull (no room)", list.Reason);
        Assert.Null(list.Version);

        bed.Router.Answer<SendLocalListRequest, SendLocalListResponse>(new SendLocalListResponse { Status = SendLocalListStatusEnumType.Accepted });
        await bed.LocalAuthList.SyncAsync(Station, verify: true, CancellationToken.None);

        var sent = bed.Router.Requests<SendLocalListRequest>();
        Assert.Equal(2, sent.Count);
        Assert.True(sent[1].VersionNumber > sent[0].VersionNumber);
        Assert.Equal(LocalListState.InSync, (await ListAsync(bed)).State);
    }

    [Fact]
    public async Task D01_a_station_without_a_local_list_is_NotSupported_and_is_not_sent_more_until_asked_for_a_full_update()
    {
        await using var bed = await BedAsync(Token("A", "G"));
        bed.Router.FailWithCallError<GetLocalListVersionRequest>(OcppErrorCode.NotImplemented);
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);
        Assert.Equal(LocalListState.NotSupported, (await ListAsync(bed)).State);

        Assert.Empty(await bed.LocalAuthList.TokensChangedAsync(CancellationToken.None));
        await bed.LocalAuthList.SyncAsync(Station, verify: true, CancellationToken.None);
        Assert.Single(bed.Router.Requests<GetLocalListVersionRequest>());
        Assert.Empty(bed.Router.Requests<SendLocalListRequest>());

        bed.Router.Answer<GetLocalListVersionRequest, GetLocalListVersionResponse>(new GetLocalListVersionResponse { VersionNumber = 0 });
        Assert.True(await bed.LocalAuthList.RequestSyncAsync(Station, full: true, CancellationToken.None));
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);
        Assert.Equal(UpdateEnumType.Full, Assert.Single(bed.Router.Requests<SendLocalListRequest>()).UpdateType);
        Assert.Equal(LocalListState.InSync, (await ListAsync(bed)).State);
    }

    [Fact]
    public async Task D01_a_station_that_is_not_connected_keeps_its_list_Pending()
    {
        await using var bed = await BedAsync(Token("A", "G"));
        bed.Router.Disconnect(Station);
        await bed.LocalAuthList.SetMembershipAsync(Station, Members(["G"]), CancellationToken.None);
        await bed.LocalAuthList.SyncAsync(Station, verify: false, CancellationToken.None);

        Assert.Empty(bed.Router.Calls);
        Assert.Equal(LocalListState.Pending, (await ListAsync(bed)).State);
    }
}
