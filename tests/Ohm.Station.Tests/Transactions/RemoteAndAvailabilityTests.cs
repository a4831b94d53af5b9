using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Transactions;

public sealed class RemoteAndAvailabilityTests
{
    private static readonly IdTokenType Central = new() { IdToken = "REMOTE-1", Type = IdTokenEnumType.Central };

    [Fact]
    public async Task F01_F03_RequestStart_authorizes_and_starts_with_remoteStartId_then_RequestStop_ends_it()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-F01");
        await Drive.Do(station, "plug");
        var start = await h.Csms.Call("CS-F01", new RequestStartTransactionRequest { EvseId = 1, IdToken = Central, RemoteStartId = 77 });
        Assert.Equal(RequestStartStopStatusEnumType.Accepted, start.Status);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(TriggerReasonEnumType.RemoteStart, started.TriggerReason);
        Assert.Equal(77, started.TransactionInfo.RemoteStartId);
        Assert.Equal("REMOTE-1", started.IdToken!.IdToken);
        Assert.Contains(h.Csms.Of<AuthorizeRequest>("CS-F01"), a => a.IdToken.IdToken == "REMOTE-1");

        var unknown = await h.Csms.Call("CS-F01", new RequestStopTransactionRequest { TransactionId = "no-such-transaction" });
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, unknown.Status);
        var stop = await h.Csms.Call("CS-F01", new RequestStopTransactionRequest { TransactionId = started.TransactionInfo.TransactionId });
        Assert.Equal(RequestStartStopStatusEnumType.Accepted, stop.Status);
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.RemoteStop, ended.TriggerReason);
        Assert.Equal(ReasonEnumType.Remote, ended.TransactionInfo.StoppedReason);
    }

    [Fact]
    public async Task F02_Remote_start_first_then_cable_without_AuthorizeRemoteStart_sends_no_Authorize()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-F02", StationHarness.Config(c => c.With("AuthCtrlr", "AuthorizeRemoteStart", "false")));
        await h.Csms.Call("CS-F02", new RequestStartTransactionRequest { EvseId = 1, IdToken = Central, RemoteStartId = 5 });
        await TestCsms.Until(() => station.Evses[1].AuthorizedToken is not null, "authorized remotely");
        await Drive.Do(station, "plug");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(TriggerReasonEnumType.CablePluggedIn, started.TriggerReason);
        Assert.Equal(5, started.TransactionInfo.RemoteStartId);
        Assert.Empty(h.Csms.Of<AuthorizeRequest>("CS-F02"));
    }

    [Fact]
    public async Task E14_GetTransactionStatus_tells_whether_the_transaction_runs_and_has_queued_messages()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-E14");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        var running = await h.Csms.Call("CS-E14", new GetTransactionStatusRequest { TransactionId = started.TransactionInfo.TransactionId });
        Assert.True(running.OngoingIndicator);
        Assert.False(running.MessagesInQueue);
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        var ended = await h.Csms.Call("CS-E14", new GetTransactionStatusRequest { TransactionId = started.TransactionInfo.TransactionId });
        Assert.False(ended.OngoingIndicator);
        var any = await h.Csms.Call("CS-E14", new GetTransactionStatusRequest());
        Assert.Null(any.OngoingIndicator);
    }

    [Fact]
    public async Task F05_UnlockConnector_answers_Unlocked_UnknownConnector_and_OngoingAuthorizedTransaction()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-F05");
        Assert.Equal(UnlockStatusEnumType.Unlocked, (await h.Csms.Call("CS-F05", new UnlockConnectorRequest { EvseId = 1, ConnectorId = 1 })).Status);
        Assert.Equal(UnlockStatusEnumType.UnknownConnector, (await h.Csms.Call("CS-F05", new UnlockConnectorRequest { EvseId = 9, ConnectorId = 1 })).Status);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(UnlockStatusEnumType.OngoingAuthorizedTransaction, (await h.Csms.Call("CS-F05", new UnlockConnectorRequest { EvseId = 1, ConnectorId = 1 })).Status);
    }

    [Fact]
    public async Task F06_TriggerMessage_sends_each_requested_message()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-F06");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-F06").Count >= 3, "status");
        var statuses = h.Csms.Of<StatusNotificationRequest>("CS-F06").Count;

        async Task<TriggerMessageStatusEnumType> Trigger(MessageTriggerEnumType message, int? evse = null) =>
            (await h.Csms.Call("CS-F06", new TriggerMessageRequest { RequestedMessage = message, Evse = evse is null ? null : new EVSEType { Id = evse.Value } })).Status;

        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.Heartbeat));
        await h.Csms.WaitFor<HeartbeatRequest>();
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.StatusNotification, 1));
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-F06").Count > statuses, "triggered status");
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.MeterValues, 1));
        await h.Csms.WaitFor<MeterValuesRequest>(m => m.MeterValue[0].SampledValue[0].Context == ReadingContextEnumType.Trigger);
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.TransactionEvent, 1));
        await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.Trigger);
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.FirmwareStatusNotification));
        await h.Csms.WaitFor<FirmwareStatusNotificationRequest>();
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.LogStatusNotification));
        await h.Csms.WaitFor<LogStatusNotificationRequest>();
        Assert.Equal(TriggerMessageStatusEnumType.Rejected, await Trigger(MessageTriggerEnumType.BootNotification));
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, await Trigger(MessageTriggerEnumType.SignChargingStationCertificate)); // A02
        var sign = await h.Csms.WaitFor<SignCertificateRequest>();
        Assert.Equal(CertificateSigningUseEnumType.ChargingStationCertificate, sign.CertificateType);
        var csr = CertificateRequest.LoadSigningRequestPem(sign.Csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        Assert.Equal("CS-F06", csr.SubjectName.EnumerateRelativeDistinguishedNames().Single(n => n.GetSingleElementType().Value == "2.5.4.3").GetSingleElementValue()); // CN
        Assert.Equal(TriggerMessageStatusEnumType.Rejected, await Trigger(MessageTriggerEnumType.StatusNotification, 9));
    }

    [Fact]
    public async Task B12_Reset_OnIdle_is_Scheduled_while_a_transaction_runs_and_restarts_after_it_ends()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-B12");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var reset = await h.Csms.Call("CS-B12", new ResetRequest { Type = ResetEnumType.OnIdle });
        Assert.Equal(ResetStatusEnumType.Scheduled, reset.Status);
        Assert.NotNull(station.Evses[1].Transaction);
        Assert.Single(h.Csms.Of<BootNotificationRequest>("CS-B12"));

        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        var reboot = await h.Csms.WaitFor<BootNotificationRequest>(b => b.Reason == BootReasonEnumType.RemoteReset);
        Assert.NotNull(reboot);
        await TestCsms.Until(() => station.IsOnline && station.BootCount == 2, "booted again");
    }

    [Fact]
    public async Task B11_Reset_Immediate_ends_transactions_with_ImmediateReset_and_restarts()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-B11");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var reset = await h.Csms.Call("CS-B11", new ResetRequest { Type = ResetEnumType.Immediate });
        Assert.Equal(ResetStatusEnumType.Accepted, reset.Status);
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(TriggerReasonEnumType.ResetCommand, ended.TriggerReason);
        Assert.Equal(ReasonEnumType.ImmediateReset, ended.TransactionInfo.StoppedReason);
        await h.Csms.WaitFor<BootNotificationRequest>(b => b.Reason == BootReasonEnumType.RemoteReset);
        await TestCsms.Until(() => station.IsOnline && station.BootCount == 2, "booted again");
    }

    [Fact]
    public async Task G03_G04_ChangeAvailability_Accepted_when_idle_Scheduled_during_a_transaction()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-G03");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);

        var idle = await h.Csms.Call("CS-G03", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Inoperative, Evse = new EVSEType { Id = 2 } });
        Assert.Equal(ChangeAvailabilityStatusEnumType.Accepted, idle.Status);
        await h.Csms.WaitFor<StatusNotificationRequest>(s => s.EvseId == 2 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);

        var busy = await h.Csms.Call("CS-G03", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Inoperative, Evse = new EVSEType { Id = 1 } });
        Assert.Equal(ChangeAvailabilityStatusEnumType.Scheduled, busy.Status);
        Assert.DoesNotContain(h.Csms.Of<StatusNotificationRequest>("CS-G03"), s => s.EvseId == 1 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);
        await Drive.Do(station, "unplug");
        await h.Csms.WaitFor<StatusNotificationRequest>(s => s.EvseId == 1 && s.ConnectorStatus == ConnectorStatusEnumType.Unavailable);

        var station0 = await h.Csms.Call("CS-G03", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Operative });
        Assert.Equal(ChangeAvailabilityStatusEnumType.Accepted, station0.Status);
        var unknown = await h.Csms.Call("CS-G03", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Operative, Evse = new EVSEType { Id = 5 } });
        Assert.Equal(ChangeAvailabilityStatusEnumType.Rejected, unknown.Status);
        var back = await h.Csms.Call("CS-G03", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Operative, Evse = new EVSEType { Id = 1 } });
        Assert.Equal(ChangeAvailabilityStatusEnumType.Accepted, back.Status);
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-G03").Last(s => s.EvseId == 1).ConnectorStatus == ConnectorStatusEnumType.Available, "EVSE 1 Available again");
    }

    [Fact]
    public async Task P01_P02_DataTransfer_both_ways()
    {
        await using var h = await StationHarness.StartAsync();
        var options = h.Options("CS-P");
        options.DataTransferHandler = r => new DataTransferResponse
        {
            Status = r.VendorId == "org.ohm" ? DataTransferStatusEnumType.Accepted : DataTransferStatusEnumType.UnknownVendorId,
            Data = r.Data,
        };
        var station = await h.StartStation("CS-P", options: options);
        var echo = await h.Csms.Call("CS-P", new DataTransferRequest { VendorId = "org.ohm", MessageId = "echo", Data = JsonDocument.Parse("{\"a\":1}").RootElement });
        Assert.Equal(DataTransferStatusEnumType.Accepted, echo.Status);
        Assert.Equal(1, echo.Data!.Value.GetProperty("a").GetInt32());
        var unknown = await h.Csms.Call("CS-P", new DataTransferRequest { VendorId = "com.other" });
        Assert.Equal(DataTransferStatusEnumType.UnknownVendorId, unknown.Status);

        var sent = await station.DataTransfer.SendAsync("org.ohm", "hello", JsonDocument.Parse("\"world\"").RootElement);
        Assert.Equal(DataTransferStatusEnumType.Accepted, sent.Status);
        var received = await h.Csms.WaitFor<DataTransferRequest>();
        Assert.Equal("hello", received.MessageId);
    }
}
