using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Provisioning;

public sealed class BootAndConnectionTests
{
    [Fact]
    public async Task B01_Accepted_boot_then_StatusNotification_for_every_connector_then_heartbeats_at_the_interval()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.Boot = _ => new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 1, CurrentTime = DateTimeOffset.UtcNow };
        var station = await h.StartStation("CS-B01");

        var boot = await h.Csms.WaitFor<BootNotificationRequest>();
        Assert.Equal(BootReasonEnumType.PowerUp, boot.Reason);
        Assert.Equal("Ohm", boot.ChargingStation.VendorName);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>().Count >= 2, "a StatusNotification per connector");
        var statuses = h.Csms.Of<StatusNotificationRequest>();
        Assert.Equal([1, 2], statuses.Select(s => s.EvseId).Order());
        Assert.All(statuses, s => Assert.Equal(ConnectorStatusEnumType.Available, s.ConnectorStatus));
        await TestCsms.Until(() => h.Csms.Of<HeartbeatRequest>().Count >= 2, "two heartbeats");
        Assert.Equal("1", station.Model.Value("OCPPCommCtrlr", "HeartbeatInterval"));
        Assert.Equal("BootNotification", h.Csms.All[0].Action);
    }

    [Fact]
    public async Task B02_Pending_retries_boot_after_the_interval_and_sends_nothing_else_until_Accepted()
    {
        await using var h = await StationHarness.StartAsync();
        var boots = 0;
        h.Csms.Boot = _ => Interlocked.Increment(ref boots) < 3
            ? new BootNotificationResponse { Status = RegistrationStatusEnumType.Pending, Interval = 1, CurrentTime = DateTimeOffset.UtcNow }
            : new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 300, CurrentTime = DateTimeOffset.UtcNow };
        var station = await h.StartStation("CS-B02", waitAccepted: false);
        await TestCsms.Until(() => station.Registration == RegistrationStatusEnumType.Pending, "Pending");

        // B02.FR.02: the CSMS may read and set variables while Pending.
        var get = await h.Csms.Call("CS-B02", new GetVariablesRequest
        {
            GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "HeartbeatInterval" } }],
        });
        Assert.Equal(GetVariableStatusEnumType.Accepted, get.GetVariableResult[0].AttributeStatus);

        // A RequestStartTransaction is refused while Pending.
        var refused = await Assert.ThrowsAsync<OcppCallErrorException>(() => h.Csms.Call("CS-B02", new RequestStartTransactionRequest
        {
            IdToken = new IdTokenType { IdToken = "T", Type = IdTokenEnumType.Central },
            RemoteStartId = 1,
        }));
        Assert.Equal(OcppErrorCode.SecurityError, refused.Code);

        await TestCsms.Until(() => station.IsOnline, "Accepted");
        var all = h.Csms.All.Select(r => r.Action).ToList();
        Assert.Equal(3, all.TakeWhile(a => a == "BootNotification").Count());
        Assert.DoesNotContain("BootNotification", all.Skip(3));
    }

    [Fact]
    public async Task F06_TriggerMessage_BootNotification_while_Pending_boots_at_once_with_reason_Triggered()
    {
        await using var h = await StationHarness.StartAsync();
        var boots = 0;
        h.Csms.Boot = _ => Interlocked.Increment(ref boots) < 2
            ? new BootNotificationResponse { Status = RegistrationStatusEnumType.Pending, Interval = 3600, CurrentTime = DateTimeOffset.UtcNow }
            : new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 300, CurrentTime = DateTimeOffset.UtcNow };
        var station = await h.StartStation("CS-F06B", waitAccepted: false);
        await TestCsms.Until(() => station.Registration == RegistrationStatusEnumType.Pending, "Pending");
        var trigger = await h.Csms.Call("CS-F06B", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.BootNotification });
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, trigger.Status);
        var second = await h.Csms.WaitFor<BootNotificationRequest>(b => b.Reason == BootReasonEnumType.Triggered);
        Assert.NotNull(second);
        await TestCsms.Until(() => station.IsOnline, "Accepted");
    }

    [Fact]
    public async Task B03_Rejected_station_refuses_CSMS_calls_and_retries_boot()
    {
        await using var h = await StationHarness.StartAsync();
        var boots = 0;
        h.Csms.Boot = _ => Interlocked.Increment(ref boots) < 3
            ? new BootNotificationResponse { Status = RegistrationStatusEnumType.Rejected, Interval = 1, CurrentTime = DateTimeOffset.UtcNow }
            : new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 300, CurrentTime = DateTimeOffset.UtcNow };
        var station = await h.StartStation("CS-B03", waitAccepted: false);
        await TestCsms.Until(() => station.Registration == RegistrationStatusEnumType.Rejected, "Rejected");
        var refused = await Assert.ThrowsAsync<OcppCallErrorException>(() => h.Csms.Call("CS-B03", new GetVariablesRequest
        {
            GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "HeartbeatInterval" } }],
        }));
        Assert.Equal(OcppErrorCode.SecurityError, refused.Code);
        await TestCsms.Until(() => station.IsOnline, "Accepted after retries");
        Assert.Equal(3, h.Csms.All.Select(r => r.Action).TakeWhile(a => a == "BootNotification").Count());
    }

    [Fact]
    public async Task B_Reconnect_after_the_connection_drops_without_a_new_boot()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-RC");
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>().Count >= 2, "status");
        await h.Csms.Server.Find("CS-RC")!.CloseAsync();
        await TestCsms.Until(() => h.Csms.Connections >= 2 && station.IsOnline, "reconnected");
        Assert.Single(h.Csms.Of<BootNotificationRequest>());
    }

    [Theory]
    [InlineData(0, 5, 3, 5)]
    [InlineData(1, 5, 3, 10)]
    [InlineData(2, 5, 3, 20)]
    [InlineData(3, 5, 3, 40)]
    [InlineData(9, 5, 3, 40)]
    [InlineData(4, 2, 0, 2)]
    public void B_Reconnect_backoff_doubles_RetryBackOffWaitMinimum_up_to_RetryBackOffRepeatTimes(int attempt, int minimum, int repeat, int expected)
    {
        Assert.Equal(TimeSpan.FromSeconds(expected), ReconnectBackOff.Delay(attempt, minimum, repeat, 0));
    }

    [Fact]
    public void B_Reconnect_backoff_adds_up_to_RetryBackOffRandomRange()
    {
        var delays = Enumerable.Range(0, 200).Select(i => ReconnectBackOff.Delay(0, 5, 3, 10, new Random(i)).TotalSeconds).ToList();
        Assert.All(delays, d => Assert.InRange(d, 5, 15));
        Assert.True(delays.Distinct().Count() > 10);
    }

    [Fact]
    public async Task Routing_an_action_the_station_does_not_handle_is_answered_NotSupported() // UnpublishFirmware: L04 is a Local Controller's
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-NS");
        var error = await Assert.ThrowsAsync<OcppCallErrorException>(() => h.Csms.Call("CS-NS", new UnpublishFirmwareRequest { Checksum = "0123456789abcdef0123456789abcdef" }));
        Assert.Equal(OcppErrorCode.NotSupported, error.Code);
    }

    [Fact]
    public async Task Stop_closes_the_connection_cleanly()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-STOP");
        var connection = h.Csms.Server.Find("CS-STOP")!;
        await station.StopAsync();
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(station.IsConnected);
    }
}
