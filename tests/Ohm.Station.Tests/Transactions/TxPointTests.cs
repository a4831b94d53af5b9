using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Transactions;

public sealed class TxPointTests
{
    [Theory]
    [InlineData("EVConnected", "plug", TriggerReasonEnumType.CablePluggedIn, false)]
    [InlineData("Authorized", "auth", TriggerReasonEnumType.Authorized, true)]
    [InlineData("PowerPathClosed", "plug,auth", TriggerReasonEnumType.Authorized, true)]
    [InlineData("PowerPathClosed", "auth,plug", TriggerReasonEnumType.CablePluggedIn, true)]
    [InlineData("EnergyTransfer", "plug,auth", TriggerReasonEnumType.Authorized, true)]
    [InlineData("DataSigned", "auth,plug", TriggerReasonEnumType.CablePluggedIn, true)]
    [InlineData("ParkingBayOccupancy", "bay", TriggerReasonEnumType.EVDetected, false)]
    [InlineData("EVConnected,Authorized", "auth,plug", TriggerReasonEnumType.Authorized, true)]
    [InlineData("PowerPathClosed,EVConnected", "plug,auth", TriggerReasonEnumType.CablePluggedIn, false)]
    public async Task E_TxStartPoint_starts_the_transaction_at_the_first_condition_met(string startPoint, string steps, TriggerReasonEnumType trigger, bool idTokenInStarted)
    {
        await using var h = await StationHarness.StartAsync();
        var id = "CS-START-" + Math.Abs(string.GetHashCode(startPoint + steps, StringComparison.Ordinal));
        var station = await h.StartStation(id, StationHarness.Config(c => c.With("TxCtrlr", "TxStartPoint", startPoint)));
        foreach (var step in steps.Split(','))
        {
            await Drive.Do(station, step);
        }

        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(trigger, started.TriggerReason);
        Assert.Equal(0, started.SeqNo);
        Assert.Equal(idTokenInStarted, started.IdToken is not null);
        Assert.Equal(1, started.Evse!.Id);
        Assert.True(Guid.TryParse(started.TransactionInfo.TransactionId, out _));
        Assert.Single(h.Csms.Events(id), e => e.EventType == TransactionEventEnumType.Started);
        if (startPoint == "EnergyTransfer")
        {
            Assert.Equal(ChargingStateEnumType.Charging, started.TransactionInfo.ChargingState);
        }
    }

    [Theory]
    [InlineData("EVConnected", "unplug", TriggerReasonEnumType.EVCommunicationLost, ReasonEnumType.EVDisconnected)]
    [InlineData("Authorized", "stopauth", TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local)]
    [InlineData("PowerPathClosed", "unplug", TriggerReasonEnumType.EVCommunicationLost, ReasonEnumType.EVDisconnected)]
    [InlineData("PowerPathClosed", "stopauth", TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local)]
    [InlineData("DataSigned", "stopauth", TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local)]
    [InlineData("EnergyTransfer", "power0", TriggerReasonEnumType.ChargingStateChanged, ReasonEnumType.StoppedByEV)]
    [InlineData("ParkingBayOccupancy", "unplug,bayempty", TriggerReasonEnumType.EVDeparted, ReasonEnumType.EVDisconnected)]
    [InlineData("EVConnected,Authorized", "stopauth", TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local)]
    [InlineData("EVConnected", "stopauth,unplug", TriggerReasonEnumType.EVCommunicationLost, ReasonEnumType.EVDisconnected)]
    [InlineData("Authorized", "unplug,stopauth", TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local)]
    public async Task E_TxStopPoint_ends_the_transaction_when_a_condition_stops_holding(string stopPoint, string steps, TriggerReasonEnumType trigger, ReasonEnumType reason)
    {
        await using var h = await StationHarness.StartAsync();
        var id = "CS-STOP-" + Math.Abs(string.GetHashCode(stopPoint + steps, StringComparison.Ordinal));
        var station = await h.StartStation(id, StationHarness.Config(c => c
            .With("TxCtrlr", "TxStopPoint", stopPoint)
            .With("TxCtrlr", "StopTxOnEVSideDisconnect", "false")));
        await Drive.Do(station, "bay");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var stepList = steps.Split(',');
        foreach (var step in stepList[..^1])
        {
            await Drive.Do(station, step);
        }

        // Not ended before the last step.
        Assert.NotNull(station.Evses[1].Transaction);
        await Drive.Do(station, stepList[^1]);
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(trigger, ended.TriggerReason);
        Assert.Equal(reason, ended.TransactionInfo.StoppedReason);
        Assert.Equal(started.TransactionInfo.TransactionId, ended.TransactionInfo.TransactionId);
        Assert.Null(station.Evses[1].Transaction);
        var events = h.Csms.Events(id);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.SeqNo));
        Assert.All(events, e => Assert.Equal(started.TransactionInfo.TransactionId, e.TransactionInfo.TransactionId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TxBeforeAcceptedEnabled_decides_whether_a_transaction_starts_while_Pending(bool enabled)
    {
        await using var h = await StationHarness.StartAsync();
        var boots = 0;
        h.Csms.Boot = _ => Interlocked.Increment(ref boots) < 3
            ? new BootNotificationResponse { Status = RegistrationStatusEnumType.Pending, Interval = 2, CurrentTime = DateTimeOffset.UtcNow }
            : new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 300, CurrentTime = DateTimeOffset.UtcNow };
        var id = "CS-TBA-" + enabled;
        var station = await h.StartStation(id, StationHarness.Config(c => c
            .With("TxCtrlr", "TxStartPoint", "EVConnected")
            .With("TxCtrlr", "TxBeforeAcceptedEnabled", enabled ? "true" : "false")), waitAccepted: false);
        await TestCsms.Until(() => station.Registration == RegistrationStatusEnumType.Pending, "Pending");
        await Drive.Do(station, "plug");
        Assert.Equal(enabled, station.Evses[1].Transaction is not null);
        await TestCsms.Until(() => station.IsOnline, "Accepted");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(TriggerReasonEnumType.CablePluggedIn, started.TriggerReason);
        Assert.Null(started.Offline); // connected, though not yet Accepted: not an offline event
    }

    [Fact]
    public async Task E10_StopTxOnEVSideDisconnect_ends_the_transaction_on_unplug_whatever_the_stop_point()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-E10", StationHarness.Config(c => c.With("TxCtrlr", "TxStopPoint", "Authorized")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await Drive.Do(station, "unplug");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(ReasonEnumType.EVDisconnected, ended.TransactionInfo.StoppedReason);
    }

    [Fact]
    public async Task E02_A_full_session_reports_charging_state_changes_and_status()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-E02", StationHarness.Config(c => c.With("TxCtrlr", "TxStartPoint", "EVConnected")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        var events = h.Csms.Events("CS-E02");
        Assert.Equal(TriggerReasonEnumType.CablePluggedIn, events[0].TriggerReason);
        Assert.Equal(ChargingStateEnumType.EVConnected, events[0].TransactionInfo.ChargingState);
        var authorized = Assert.Single(events, e => e.TriggerReason == TriggerReasonEnumType.Authorized);
        Assert.Equal(ChargingStateEnumType.Charging, authorized.TransactionInfo.ChargingState);
        Assert.Equal(Drive.Token, authorized.IdToken!.IdToken);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-E02").Count(s => s.EvseId == 1) >= 3, "Available, Occupied, Available");
        Assert.Equal(
            [ConnectorStatusEnumType.Available, ConnectorStatusEnumType.Occupied, ConnectorStatusEnumType.Available],
            h.Csms.Of<StatusNotificationRequest>("CS-E02").Where(s => s.EvseId == 1).Select(s => s.ConnectorStatus));
        var begin = events[0].MeterValue![0].SampledValue[0];
        Assert.Equal(ReadingContextEnumType.TransactionBegin, begin.Context);
        var end = events[^1].MeterValue![0].SampledValue[0];
        Assert.Equal(ReadingContextEnumType.TransactionEnd, end.Context);
        Assert.Equal(MeasurandEnumType.EnergyActiveImportRegister, end.Measurand);
    }
}
