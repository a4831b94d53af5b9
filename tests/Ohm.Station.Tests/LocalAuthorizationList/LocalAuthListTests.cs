using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.LocalAuthorizationList;

/// <summary>
/// D01, D02 against the test CSMS over loopback, and the list in use: C13 offline, C14 online with LocalPreAuthorize.
/// The CSMS refuses every Authorize, so a token that is accepted was accepted by the list.
/// </summary>
public sealed class LocalAuthListTests
{
    private static AuthorizationData Entry(string id, AuthorizationStatusEnumType? status = AuthorizationStatusEnumType.Accepted) => new()
    {
        IdToken = new IdTokenType { IdToken = id, Type = IdTokenEnumType.ISO14443 },
        IdTokenInfo = status is null ? null : new IdTokenInfoType { Status = status.Value },
    };

    private static async Task<int> Version(StationHarness h, string id) =>
        (await h.Csms.Call(id, new GetLocalListVersionRequest())).VersionNumber;

    private static AuthorizeResponse Refuse(AuthorizeRequest request) =>
        new() { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Invalid } };

    [Fact]
    public async Task D01_D02_C13_A_Full_then_a_Differential_list_authorizes_a_transaction_offline_and_survives_a_restart()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.Authorize = Refuse;
        var station = await h.StartStation("CS-D01");
        Assert.Equal(0, await Version(h, "CS-D01"));

        var full = await h.Csms.Call("CS-D01", new SendLocalListRequest { UpdateType = UpdateEnumType.Full, VersionNumber = 1, LocalAuthorizationList = [Entry("A"), Entry("B")] });
        Assert.Equal(SendLocalListStatusEnumType.Accepted, full.Status);
        var differential = new SendLocalListRequest { UpdateType = UpdateEnumType.Differential, VersionNumber = 2, LocalAuthorizationList = [Entry("B", null), Entry("C")] };
        Assert.Equal(SendLocalListStatusEnumType.Accepted, (await h.Csms.Call("CS-D01", differential)).Status);
        Assert.Equal(SendLocalListStatusEnumType.VersionMismatch, (await h.Csms.Call("CS-D01", differential)).Status);
        Assert.Equal(2, await Version(h, "CS-D01"));

        // C13: offline, C (added by the Differential) authorizes and starts a transaction; B (removed) does not.
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        Assert.Equal(AuthorizationStatusEnumType.Unknown, await station.Authorization.PresentTokenAsync(2, "B"));
        await Drive.Do(station, "plug");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "C"));
        Assert.Equal("C", station.Evses[1].AuthorizedToken?.IdToken);
        await Drive.Do(station, "unplug");

        await station.SetOfflineAsync(false);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.True(started.Offline);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Contains(h.Csms.Events("CS-D01"), e => e.IdToken?.IdToken == "C");
        Assert.Empty(h.Csms.Of<AuthorizeRequest>("CS-D01"));
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");

        // The list and its version are in the store: a restarted station still has them.
        await station.StopAsync();
        var restarted = await h.StartStation("CS-D01");
        Assert.Equal(2, await Version(h, "CS-D01"));
        Assert.Equal(["A", "C"], restarted.LocalAuthList.Entries().Select(e => e.IdToken.IdToken));
        var entries = await h.Csms.Call("CS-D01", new GetVariablesRequest
        {
            GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "LocalAuthListCtrlr" }, Variable = new VariableType { Name = "Entries" } }],
        });
        Assert.Equal("2", entries.GetVariableResult[0].AttributeValue);
    }

    [Fact]
    public async Task C14_Online_with_LocalPreAuthorize_a_token_only_in_the_list_starts_at_once_without_Authorize()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.Authorize = Refuse;
        var station = await h.StartStation("CS-C14", StationHarness.Config(c => c.With("AuthCtrlr", "LocalPreAuthorize", "true")));
        var list = new SendLocalListRequest
        {
            UpdateType = UpdateEnumType.Full,
            VersionNumber = 7,
            LocalAuthorizationList = [Entry("LISTED"), Entry("LISTED-BLOCKED", AuthorizationStatusEnumType.Blocked)],
        };
        Assert.Equal(SendLocalListStatusEnumType.Accepted, (await h.Csms.Call("CS-C14", list)).Status);

        await Drive.Do(station, "plug");
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "LISTED"));
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal("LISTED", started.IdToken?.IdToken);
        Assert.False(started.Offline ?? false);
        Assert.Empty(h.Csms.Of<AuthorizeRequest>("CS-C14"));

        // C14.FR.03: a listed token that is not Accepted is asked about (post-authorize), and the CSMS's answer counts.
        Assert.Equal(AuthorizationStatusEnumType.Invalid, await station.Authorization.PresentTokenAsync(2, "LISTED-BLOCKED"));
        Assert.Equal("LISTED-BLOCKED", Assert.Single(h.Csms.Of<AuthorizeRequest>("CS-C14")).IdToken.IdToken);
    }

    [Fact]
    public async Task D01_SendLocalList_with_the_list_disabled_is_Failed_with_statusInfo_and_GetLocalListVersion_is_0()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-D01X", StationHarness.Config(c => c.With("LocalAuthListCtrlr", "Enabled", "false")));
        var response = await h.Csms.Call("CS-D01X", new SendLocalListRequest { UpdateType = UpdateEnumType.Full, VersionNumber = 1, LocalAuthorizationList = [Entry("A")] });
        Assert.Equal(SendLocalListStatusEnumType.Failed, response.Status);
        Assert.Equal("Disabled", response.StatusInfo?.ReasonCode);
        Assert.Equal(0, await Version(h, "CS-D01X"));
    }
}
