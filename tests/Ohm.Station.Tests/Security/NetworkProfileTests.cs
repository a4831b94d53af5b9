using System.Collections.Concurrent;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>B09, B10 and A05 end to end: the CSMS sets network profiles and their priority, the station connects by them.</summary>
public sealed class NetworkProfileTests
{
    private const string Password = "profile-password-0001";

    private static SetNetworkProfileRequest Profile(int slot, Uri url, int securityProfile) => new()
    {
        ConfigurationSlot = slot,
        ConnectionData = new NetworkConnectionProfileType
        {
            OcppVersion = OCPPVersionEnumType.OCPP20,
            OcppTransport = OCPPTransportEnumType.JSON,
            OcppCsmsUrl = url.ToString(),
            MessageTimeout = 30,
            SecurityProfile = securityProfile,
            OcppInterface = OCPPInterfaceEnumType.Wired0,
        },
    };

    private static SetVariablesRequest Priority(string value) => new()
    {
        SetVariableData = [new SetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "NetworkConfigurationPriority" }, AttributeValue = value }],
    };

    private static async Task<ChargingStation> Start(StationHarness h, string id, ConcurrentQueue<string> activity, Action<Station.DeviceModel.DeviceModelConfig>? configure = null)
    {
        var options = h.Options(id, StationHarness.Config(configure));
        options.Password = Password;
        var station = await h.StartStation(id, options: options);
        station.Activity += activity.Enqueue;
        return station;
    }

    [Fact]
    public async Task B09_A_profile_set_in_a_slot_and_put_first_by_NetworkConfigurationPriority_is_used_after_the_reset_and_kept_across_a_restart()
    {
        await using var h = await StationHarness.StartAsync();
        await using var other = await TestCsms.StartAsync();
        var activity = new ConcurrentQueue<string>();
        var station = await Start(h, "CS-B09", activity);
        var set = await h.Csms.Call("CS-B09", Profile(1, other.Endpoint, 1));
        Assert.Equal(SetNetworkProfileStatusEnumType.Accepted, set.Status);
        var rejected = await h.Csms.Call("CS-B09", Profile(9, other.Endpoint, 1));
        Assert.Equal(SetNetworkProfileStatusEnumType.Rejected, rejected.Status);
        Assert.Equal("InvalidConfSlot", rejected.StatusInfo!.ReasonCode);
        Assert.Equal(SetVariableStatusEnumType.Accepted, (await h.Csms.Call("CS-B09", Priority("1,0"))).SetVariableResult[0].AttributeStatus);

        // The current connection stays until the reset; then the station connects to the CSMS of slot 1.
        Assert.Equal(1, h.Csms.Connections);
        Assert.Equal(ResetStatusEnumType.Accepted, (await h.Csms.Call("CS-B09", new ResetRequest { Type = ResetEnumType.Immediate })).Status);
        await other.WaitFor<BootNotificationRequest>(b => b.Reason == BootReasonEnumType.RemoteReset);
        await TestCsms.Until(() => station.IsOnline, "online at the other CSMS");
        Assert.Equal(Password, other.Passwords.Single().Password);
        Assert.Contains("connected with network profile slot 1 (security profile 1)", activity);

        // Profiles and priority are kept: a restarted station goes to slot 1 again.
        await station.StopAsync();
        await station.StartAsync();
        await TestCsms.Until(() => station.IsOnline && other.Connections == 2, "restarted at the other CSMS");
        Assert.Equal(1, h.Csms.Connections);
    }

    [Fact]
    public async Task B10_After_NetworkProfileConnectionAttempts_failed_attempts_the_station_falls_back_to_the_next_profile()
    {
        await using var h = await StationHarness.StartAsync();
        var activity = new ConcurrentQueue<string>();
        var station = await Start(h, "CS-B10", activity, c => c.With("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "2"));
        var dead = new Uri("ws://127.0.0.1:1/ocpp"); // nothing listens on port 1
        Assert.Equal(SetNetworkProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-B10", Profile(2, dead, 1))).Status);
        Assert.Equal(SetVariableStatusEnumType.Accepted, (await h.Csms.Call("CS-B10", Priority("2,0"))).SetVariableResult[0].AttributeStatus);
        Assert.Equal(ResetStatusEnumType.Accepted, (await h.Csms.Call("CS-B10", new ResetRequest { Type = ResetEnumType.Immediate })).Status);

        await TestCsms.Until(() => station.IsOnline && h.Csms.Connections == 2, "back at slot 0");
        var lines = activity.ToList();
        var reset = lines.FindLastIndex(l => l == "engine restarted");
        var after = lines.Skip(reset).ToList();
        Assert.Equal(2, after.Count(l => l.StartsWith("network profile slot 2 failed", StringComparison.Ordinal)));
        Assert.Contains(after, l => l.EndsWith("next: slot 0", StringComparison.Ordinal));
        Assert.Contains("connected with network profile slot 0 (security profile 1)", after);
    }

    [Fact]
    public async Task A05_A_new_profile_whose_connection_fails_is_not_kept_the_station_falls_back_and_keeps_its_security_profile()
    {
        await using var h = await StationHarness.StartAsync();
        var activity = new ConcurrentQueue<string>();
        var station = await Start(h, "CS-A05F", activity, c => c.With("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "1"));
        // Without certificates a profile 2 is refused (A05); with them (as block A's store would say) it is taken.
        var upgrade = Profile(1, new Uri("wss://127.0.0.1:1/ocpp"), 2);
        var refused = await h.Csms.Call("CS-A05F", upgrade);
        Assert.Equal(("Rejected", "NoCertificate"), (refused.Status.ToString(), refused.StatusInfo!.ReasonCode));
        station.NetworkProfiles.MissingCertificates = _ => null;
        Assert.Equal(SetNetworkProfileStatusEnumType.Accepted, (await h.Csms.Call("CS-A05F", upgrade)).Status);
        Assert.Equal(SetVariableStatusEnumType.Accepted, (await h.Csms.Call("CS-A05F", Priority("1,0"))).SetVariableResult[0].AttributeStatus);
        Assert.Equal(ResetStatusEnumType.Accepted, (await h.Csms.Call("CS-A05F", new ResetRequest { Type = ResetEnumType.Immediate })).Status);

        await TestCsms.Until(() => station.IsOnline && h.Csms.Connections == 2, "back with the old profile");
        Assert.Contains(activity, l => l.StartsWith("network profile slot 1 failed", StringComparison.Ordinal));
        Assert.Equal("1", station.Model.Value("SecurityCtrlr", "SecurityProfile"));
    }
}
