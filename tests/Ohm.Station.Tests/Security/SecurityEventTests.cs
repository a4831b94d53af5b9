using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Security;

/// <summary>A04 on the station: SecurityEventNotification for the events it sees, critical ones kept while offline, all sent in order.</summary>
public sealed class SecurityEventTests
{
    [Theory]
    [InlineData("StartupOfTheDevice", true)]
    [InlineData("ResetOrReboot", true)]
    [InlineData("SettingSystemTime", true)]
    [InlineData("FirmwareUpdated", true)]
    [InlineData("InvalidCsmsCertificate", true)]
    [InlineData("InvalidFirmwareSignature", true)]
    [InlineData("InvalidTLSVersion", true)]
    [InlineData("ReconfigurationOfSecurityParameters", false)]
    [InlineData("FailedToAuthenticateAtCsms", false)]
    [InlineData("InvalidMessages", false)]
    public void A04_The_critical_types_are_those_the_Security_Events_appendix_marks(string type, bool critical)
    {
        Assert.Equal(critical, SecurityEvents.IsCritical(type));
    }

    [Fact]
    public void A04_Raise_queues_a_notification_with_the_stations_time_and_techInfo_cut_to_255()
    {
        using var context = new FakeStationContext();
        var events = new SecurityEvents(context);
        SecurityEventNotificationRequest? seen = null;
        events.Raised += e => seen = e;
        events.Raise("InvalidCsmsCertificate", new string('x', 300));
        var queued = Assert.IsType<SecurityEventNotificationRequest>(Assert.Single(context.Queued));
        Assert.Same(queued, seen);
        Assert.Equal(context.Clock.GetUtcNow(), queued.Timestamp);
        Assert.Equal(255, queued.TechInfo!.Length);
        Assert.Throws<ArgumentException>(() => events.Raise(""));
    }

    [Fact]
    public async Task A04_StartupOfTheDevice_is_sent_after_every_boot_and_a_Reset_sends_ResetOrReboot_with_its_type_first()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-A04");
        var startup = await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "StartupOfTheDevice");
        Assert.Contains("PowerUp", startup.TechInfo, StringComparison.Ordinal);
        var order = h.Csms.All.Where(r => r.StationId == "CS-A04").Select(r => r.Action).ToList();
        Assert.True(order.IndexOf("BootNotification") < order.IndexOf("SecurityEventNotification"), string.Join(",", order));

        Assert.Equal(ResetStatusEnumType.Accepted, (await h.Csms.Call("CS-A04", new ResetRequest { Type = ResetEnumType.Immediate })).Status);
        await TestCsms.Until(() => station.IsOnline && station.BootCount == 2, "booted again");
        await TestCsms.Until(() => h.Csms.Of<SecurityEventNotificationRequest>("CS-A04").DistinctBy(e => (e.Type, e.Timestamp, e.TechInfo)).Count() >= 3, "the events of the reset");

        // Queued messages are delivered at least once: were the ResetOrReboot's answer lost as the connection closes for the
        // reset, it would be sent again after the boot. A resend is the same event (type, timestamp, techInfo).
        var events = h.Csms.Of<SecurityEventNotificationRequest>("CS-A04").DistinctBy(e => (e.Type, e.Timestamp, e.TechInfo)).ToList();
        Assert.Equal(["StartupOfTheDevice", "ResetOrReboot", "StartupOfTheDevice"], events.Select(e => e.Type));
        Assert.Equal("Reset Immediate", events[1].TechInfo);
        Assert.Contains("RemoteReset", events[2].TechInfo, StringComparison.Ordinal);

        // Online, the reset's event is answered before the engine restarts (the restart waits for the queue), not after the boot.
        var actions = h.Csms.All.Where(r => r.StationId == "CS-A04").Select(r => r.Action).ToList();
        int Second(string action) => actions.Select((a, i) => (a, i)).Where(p => p.a == action).Skip(1).First().i;
        Assert.True(Second("SecurityEventNotification") < Second("BootNotification"), string.Join(",", actions));
    }

    [Fact]
    public async Task A04_Critical_events_raised_offline_are_kept_without_QueueAllMessages_and_sent_in_order_after_reconnect()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-A04Q");
        await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "StartupOfTheDevice");
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");

        station.SecurityEvents.Raise("TamperDetectionActivated", "cover opened");
        station.SecurityEvents.Raise("InvalidMessages", "not kept offline without QueueAllMessages");
        station.SecurityEvents.Raise("MemoryExhaustion", "second critical");
        Assert.Equal(2, station.QueueLength);

        await station.SetOfflineAsync(false);
        await TestCsms.Until(() => h.Csms.Of<SecurityEventNotificationRequest>("CS-A04Q").Count == 3, "the critical events");
        Assert.Equal(["StartupOfTheDevice", "TamperDetectionActivated", "MemoryExhaustion"], h.Csms.Of<SecurityEventNotificationRequest>("CS-A04Q").Select(e => e.Type));
    }

    [Fact]
    public async Task A04_With_QueueAllMessages_a_non_critical_event_raised_offline_is_kept_too()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-A04A", StationHarness.Config(c => c.With("OCPPCommCtrlr", "QueueAllMessages", "true")));
        await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "StartupOfTheDevice");
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        station.SecurityEvents.Raise("InvalidMessages", "kept with QueueAllMessages");
        await station.SetOfflineAsync(false);
        await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "InvalidMessages");
    }

    [Fact]
    public async Task A04_SettingSystemTime_when_the_configuration_lets_the_CSMS_set_ClockCtrlr_DateTime()
    {
        await using var h = await StationHarness.StartAsync();
        var config = StationHarness.Config();
        config.Components.Single(c => c.Name == "ClockCtrlr").Variables.Single(v => v.Name == "DateTime").Mutability = "ReadWrite";
        await h.StartStation("CS-A04T", config);
        var set = await h.Csms.Call("CS-A04T", new SetVariablesRequest
        {
            SetVariableData = [new SetVariableDataType { Component = new ComponentType { Name = "ClockCtrlr" }, Variable = new VariableType { Name = "DateTime" }, AttributeValue = "2026-05-01T12:00:00Z" }],
        });
        Assert.Equal(SetVariableStatusEnumType.Accepted, set.SetVariableResult[0].AttributeStatus);
        var sent = await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "SettingSystemTime");
        Assert.Contains("2026-05-01T12:00:00Z", sent.TechInfo, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A04_A_changed_NetworkConfigurationPriority_is_a_ReconfigurationOfSecurityParameters_event()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-A04P");
        var set = await h.Csms.Call("CS-A04P", new SetVariablesRequest
        {
            SetVariableData = [new SetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "NetworkConfigurationPriority" }, AttributeValue = "0" }],
        });
        Assert.Equal(SetVariableStatusEnumType.Accepted, set.SetVariableResult[0].AttributeStatus);
        var sent = await h.Csms.WaitFor<SecurityEventNotificationRequest>(e => e.Type == "ReconfigurationOfSecurityParameters");
        Assert.Contains("NetworkConfigurationPriority", sent.TechInfo, StringComparison.Ordinal);
    }
}
