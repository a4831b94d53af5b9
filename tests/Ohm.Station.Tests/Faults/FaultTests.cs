using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Faults;

/// <summary>
/// A fault the hardware reports at an EVSE, over loopback against the test CSMS: the connector is Faulted (G01), a running
/// transaction is suspended and resumes when the fault clears, ReserveNow answers Faulted (H01) and RequestStartTransaction
/// is Rejected (F01).
/// </summary>
public sealed class FaultTests
{
    private static Task Status(StationHarness h, string id, int evse, ConnectorStatusEnumType status) =>
        TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>(id).LastOrDefault(s => s.EvseId == evse)?.ConnectorStatus == status, $"EVSE {evse} {status}");

    [Fact]
    public async Task G01_a_faulted_EVSE_reports_Faulted_suspends_its_transaction_and_resumes_when_the_fault_clears()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-FAULT");
        await Drive.Do(station, "plug", 1);
        await Drive.Do(station, "auth", 1);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.Evses[1].Transaction?.ChargingState == ChargingStateEnumType.Charging, "charging");

        await station.Transactions.ReportFaultAsync(1, faulted: true);
        await Status(h, "CS-FAULT", 1, ConnectorStatusEnumType.Faulted);
        var suspended = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.AbnormalCondition);
        Assert.Equal(ChargingStateEnumType.SuspendedEVSE, suspended.TransactionInfo.ChargingState);
        Assert.False(station.Hardware.PowerPath.IsClosed(1));
        Assert.NotNull(station.Evses[1].Transaction); // suspended, not ended

        await station.Transactions.ReportFaultAsync(1, faulted: false);
        await Status(h, "CS-FAULT", 1, ConnectorStatusEnumType.Occupied);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.AbnormalCondition && e.TransactionInfo.ChargingState == ChargingStateEnumType.Charging);
        Assert.True(station.Hardware.PowerPath.IsClosed(1));
    }

    [Fact]
    public async Task H01_F01_a_faulted_EVSE_answers_ReserveNow_Faulted_and_rejects_a_remote_start()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-FAULT2");
        await Status(h, "CS-FAULT2", 2, ConnectorStatusEnumType.Available);
        await station.Transactions.ReportFaultAsync(1, faulted: true);
        await Status(h, "CS-FAULT2", 1, ConnectorStatusEnumType.Faulted);

        var token = new IdTokenType { IdToken = "F-1", Type = IdTokenEnumType.ISO14443 };
        var reserve = await h.Csms.Call("CS-FAULT2", new ReserveNowRequest { Id = 1, EvseId = 1, IdToken = token, ExpiryDateTime = DateTimeOffset.UtcNow.AddHours(1) });
        Assert.Equal(ReserveNowStatusEnumType.Faulted, reserve.Status);
        var start = await h.Csms.Call("CS-FAULT2", new RequestStartTransactionRequest { RemoteStartId = 1, EvseId = 1, IdToken = token });
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, start.Status);

        // The other EVSE is not affected; when the fault clears EVSE 1 is Available again.
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-FAULT2", new ReserveNowRequest { Id = 2, EvseId = 2, IdToken = token, ExpiryDateTime = DateTimeOffset.UtcNow.AddHours(1) })).Status);
        await station.Transactions.ReportFaultAsync(1, faulted: false);
        await Status(h, "CS-FAULT2", 1, ConnectorStatusEnumType.Available);
    }
}
