using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block F, Remote control, on the CSMS side: the requests built and their answers, with the wire faked.</summary>
public sealed class RemoteControlTests
{
    private static IdTokenType Central(string id) => new() { IdToken = id, Type = IdTokenEnumType.Central };

    [Fact]
    public async Task F01_F02_a_remote_start_without_a_remoteStartId_gets_a_new_one_each_time_sent_with_token_and_EVSE()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-F01");
        bed.Router.Answer<RequestStartTransactionRequest, RequestStartTransactionResponse>(new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted });

        var (firstId, first) = await bed.RemoteControl.RequestStartTransactionAsync("CS-F01", Central("DRIVER-1"), 1, null, null, CancellationToken.None);
        var (secondId, _) = await bed.RemoteControl.RequestStartTransactionAsync("CS-F01", Central("DRIVER-2"), null, null, null, CancellationToken.None);

        Assert.Equal(RequestStartStopStatusEnumType.Accepted, first.Status);
        Assert.NotEqual(firstId, secondId);
        var sent = bed.Router.Requests<RequestStartTransactionRequest>();
        Assert.Equal([(firstId, "DRIVER-1", (int?)1), (secondId, "DRIVER-2", null)], sent.Select(r => (r.RemoteStartId, r.IdToken.IdToken, r.EvseId)));
    }

    [Fact]
    public async Task F01_a_given_remoteStartId_and_charging_profile_are_sent_as_given_and_a_rejection_is_returned()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-F01b");
        bed.Router.Answer<RequestStartTransactionRequest, RequestStartTransactionResponse>(new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Rejected });
        var profile = new ChargingProfileType
        {
            Id = 5,
            StackLevel = 0,
            ChargingProfilePurpose = ChargingProfilePurposeEnumType.TxProfile,
            ChargingProfileKind = ChargingProfileKindEnumType.Relative,
            ChargingSchedule = [new ChargingScheduleType { Id = 1, ChargingRateUnit = ChargingRateUnitEnumType.A, ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = 16 }] }],
        };

        var (id, response) = await bed.RemoteControl.RequestStartTransactionAsync("CS-F01b", Central("DRIVER"), 2, 9001, profile, CancellationToken.None);

        Assert.Equal((9001, RequestStartStopStatusEnumType.Rejected), (id, response.Status));
        var sent = Assert.Single(bed.Router.Requests<RequestStartTransactionRequest>());
        Assert.Equal((9001, 2, 5), (sent.RemoteStartId, sent.EvseId, sent.ChargingProfile!.Id));
    }

    [Fact]
    public async Task F03_a_remote_stop_names_the_transaction_and_returns_the_station_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-F03");
        bed.Router.Answer<RequestStopTransactionRequest, RequestStopTransactionResponse>(r =>
            new RequestStopTransactionResponse { Status = r.TransactionId == "tx-9" ? RequestStartStopStatusEnumType.Accepted : RequestStartStopStatusEnumType.Rejected });

        Assert.Equal(RequestStartStopStatusEnumType.Accepted, (await bed.RemoteControl.RequestStopTransactionAsync("CS-F03", "tx-9", CancellationToken.None)).Status);
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, (await bed.RemoteControl.RequestStopTransactionAsync("CS-F03", "tx-unknown", CancellationToken.None)).Status);
        Assert.Equal(["tx-9", "tx-unknown"], bed.Router.Requests<RequestStopTransactionRequest>().Select(r => r.TransactionId));
    }

    [Fact]
    public async Task F05_unlock_connector_names_the_EVSE_and_connector()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-F05");
        bed.Router.Answer<UnlockConnectorRequest, UnlockConnectorResponse>(new UnlockConnectorResponse { Status = UnlockStatusEnumType.Unlocked });

        var response = await bed.RemoteControl.UnlockConnectorAsync("CS-F05", 1, 2, CancellationToken.None);

        Assert.Equal(UnlockStatusEnumType.Unlocked, response.Status);
        var sent = Assert.Single(bed.Router.Requests<UnlockConnectorRequest>());
        Assert.Equal((1, 2), (sent.EvseId, sent.ConnectorId));
    }

    [Fact]
    public async Task F06_an_accepted_trigger_lets_exactly_one_message_of_its_action_through_while_the_station_is_Pending()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = bed.Station("CS-F06", registrationStatus: "Pending");
        bed.Router.Answer<TriggerMessageRequest, TriggerMessageResponse>(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted });

        var response = await bed.RemoteControl.TriggerMessageAsync("CS-F06", MessageTriggerEnumType.StatusNotification, new EVSEType { Id = 1, ConnectorId = 1 }, CancellationToken.None);

        Assert.Equal(TriggerMessageStatusEnumType.Accepted, response.Status);
        var sent = Assert.Single(bed.Router.Requests<TriggerMessageRequest>());
        Assert.Equal((MessageTriggerEnumType.StatusNotification, 1), (sent.RequestedMessage, sent.Evse!.Id));
        Assert.False(station.ConsumeTriggered("Heartbeat"));
        Assert.True(station.ConsumeTriggered("StatusNotification"));
        Assert.False(station.ConsumeTriggered("StatusNotification"));
    }

    [Theory]
    [InlineData(TriggerMessageStatusEnumType.Rejected)]
    [InlineData(TriggerMessageStatusEnumType.NotImplemented)]
    public async Task F06_a_trigger_the_station_does_not_accept_lets_nothing_through(TriggerMessageStatusEnumType status)
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = bed.Station("CS-F06b", registrationStatus: "Pending");
        bed.Router.Answer<TriggerMessageRequest, TriggerMessageResponse>(new TriggerMessageResponse { Status = status });

        Assert.Equal(status, (await bed.RemoteControl.TriggerMessageAsync("CS-F06b", MessageTriggerEnumType.MeterValues, null, CancellationToken.None)).Status);
        Assert.False(station.ConsumeTriggered("MeterValues"));
    }

    [Fact]
    public async Task F06_a_trigger_answered_with_a_CALLERROR_or_not_answered_lets_nothing_through()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = bed.Station("CS-F06c", registrationStatus: "Pending");

        bed.Router.FailWithCallError<TriggerMessageRequest>(OcppErrorCode.NotSupported);
        await Assert.ThrowsAsync<OcppCallErrorException>(() => bed.RemoteControl.TriggerMessageAsync("CS-F06c", MessageTriggerEnumType.Heartbeat, null, CancellationToken.None));
        Assert.False(station.ConsumeTriggered("Heartbeat"));

        bed.Router.FailWithTimeout<TriggerMessageRequest>();
        await Assert.ThrowsAsync<OcppCallTimeoutException>(() => bed.RemoteControl.TriggerMessageAsync("CS-F06c", MessageTriggerEnumType.Heartbeat, null, CancellationToken.None));
        Assert.False(station.ConsumeTriggered("Heartbeat"));
    }

    [Fact]
    public async Task F_commands_to_a_station_that_is_not_connected_fail_with_StationNotConnected()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await Assert.ThrowsAsync<StationNotConnectedException>(() => bed.RemoteControl.RequestStartTransactionAsync("CS-F-off", Central("D"), null, null, null, CancellationToken.None));
        await Assert.ThrowsAsync<StationNotConnectedException>(() => bed.RemoteControl.RequestStopTransactionAsync("CS-F-off", "tx", CancellationToken.None));
        await Assert.ThrowsAsync<StationNotConnectedException>(() => bed.RemoteControl.TriggerMessageAsync("CS-F-off", MessageTriggerEnumType.Heartbeat, null, CancellationToken.None));
        Assert.Empty(bed.Router.Calls);
    }

    [Theory]
    [InlineData(MessageTriggerEnumType.BootNotification, "BootNotification")]
    [InlineData(MessageTriggerEnumType.StatusNotification, "StatusNotification")]
    [InlineData(MessageTriggerEnumType.TransactionEvent, "TransactionEvent")]
    [InlineData(MessageTriggerEnumType.FirmwareStatusNotification, "FirmwareStatusNotification")]
    [InlineData(MessageTriggerEnumType.SignChargingStationCertificate, "SignCertificate")]
    [InlineData(MessageTriggerEnumType.SignV2GCertificate, "SignCertificate")]
    [InlineData(MessageTriggerEnumType.SignCombinedCertificate, "SignCertificate")]
    public void F06_a_requested_message_is_expected_as_the_action_the_station_sends_for_it(MessageTriggerEnumType requested, string action) =>
        Assert.Equal(action, RemoteControl.TriggeredAction(requested));
}
