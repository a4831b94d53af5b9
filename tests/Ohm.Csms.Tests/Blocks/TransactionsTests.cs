using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>
/// Block E, Transactions, on the CSMS side: the state derived in seqNo order whatever order events arrive in, with the
/// wire faked and the clock injected.
/// </summary>
public sealed class TransactionsTests
{
    private static readonly DateTimeOffset T0 = BlockTestBed.T0;

    private static TransactionEventRequest Event(
        string txId, int seqNo, TransactionEventEnumType type, decimal? energyWh = null, ChargingStateEnumType? state = null, IdTokenType? token = null, EVSEType? evse = null)
    {
        var at = T0.AddMinutes(seqNo);
        return new TransactionEventRequest
        {
            EventType = type,
            SeqNo = seqNo,
            Timestamp = at,
            TriggerReason = type switch
            {
                TransactionEventEnumType.Started => TriggerReasonEnumType.CablePluggedIn,
                TransactionEventEnumType.Ended => TriggerReasonEnumType.EVCommunicationLost,
                _ => TriggerReasonEnumType.MeterValuePeriodic,
            },
            TransactionInfo = new TransactionType
            {
                TransactionId = txId,
                ChargingState = state,
                StoppedReason = type == TransactionEventEnumType.Ended ? ReasonEnumType.EVDisconnected : null,
            },
            Evse = evse ?? (type == TransactionEventEnumType.Started ? new EVSEType { Id = 1, ConnectorId = 1 } : null),
            IdToken = token,
            MeterValue = energyWh is { } wh
                ? [new MeterValueType { Timestamp = at, SampledValue = [new SampledValueType { Value = wh, Measurand = MeasurandEnumType.EnergyActiveImportRegister }] }]
                : null,
        };
    }

    private static IdTokenType Rfid(string id) => new() { IdToken = id, Type = IdTokenEnumType.ISO14443 };

    private static Task<TransactionEventResponse> SendAsync(BlockTestBed bed, StationSession station, TransactionEventRequest request) =>
        bed.HandleAsync(bed.Transactions.TransactionEventAsync, station, request);

    private static Task<TransactionRecord> TransactionAsync(BlockTestBed bed, string stationId, string txId) =>
        bed.ReadAsync(db => db.Transactions.AsNoTracking().SingleAsync(t => t.StationId == stationId && t.TransactionId == txId));

    private static Task<List<TransactionEventRecord>> EventsAsync(BlockTestBed bed, string stationId, string txId) =>
        bed.ReadAsync(db => db.TransactionEvents.AsNoTracking().Where(e => e.StationId == stationId && e.TransactionId == txId).OrderBy(e => e.Id).ToListAsync());

    private static Task AddTokenAsync(BlockTestBed bed, string id, DateTimeOffset? expiresAt = null, string? allowedEvses = null) =>
        bed.WriteAsync(db =>
        {
            db.IdTokens.Add(new IdTokenRecord { IdToken = id, Type = IdTokenEnumType.ISO14443, ExpiresAt = expiresAt, AllowedEvses = allowedEvses });
            return Task.CompletedTask;
        });

    [Fact]
    public async Task E01_E06_started_updated_and_ended_give_the_transaction_its_times_EVSE_energy_and_stop_reason()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E01");
        await SendAsync(bed, station, Event("tx-1", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected));
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await SendAsync(bed, station, Event("tx-1", 1, TransactionEventEnumType.Updated, 1500, ChargingStateEnumType.Charging));
        Assert.Equal("Active", (await TransactionAsync(bed, "CS-E01", "tx-1")).State);
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await SendAsync(bed, station, Event("tx-1", 2, TransactionEventEnumType.Ended, 2250.5m, ChargingStateEnumType.Idle));

        var tx = await TransactionAsync(bed, "CS-E01", "tx-1");
        Assert.Equal("Ended", tx.State);
        Assert.True(tx.StartedReceived);
        Assert.Equal((T0, T0.AddMinutes(2)), (tx.StartedAt, tx.EndedAt));
        Assert.Equal((1, 1), (tx.EvseId, tx.ConnectorId));
        Assert.Equal((1000m, 2250.5m), (tx.MeterStartWh, tx.MeterLastWh));
        Assert.Equal(("Idle", "EVDisconnected"), (tx.ChargingState, tx.StoppedReason));
        Assert.Equal((2, 2, 3), (tx.LastSeqNo, tx.EndedSeqNo, tx.EventCount));
        Assert.Equal(T0.AddMinutes(2), tx.UpdatedAt);
        var events = await EventsAsync(bed, "CS-E01", "tx-1");
        Assert.Equal([0, 1, 2], events.Select(e => e.SeqNo));
        Assert.Equal(["Started", "Updated", "Ended"], events.Select(e => e.EventType));
        Assert.Equal([T0, T0.AddMinutes(1), T0.AddMinutes(2)], events.Select(e => e.ReceivedAt));
        Assert.All(events, e => Assert.Equal(tx.Id, e.TransactionRecordId));
        Assert.Equal(1500m, Metering.FromDocument(events[1].MeterValues!)[0].SampledValue[0].Value);
    }

    [Fact]
    public async Task E_every_field_of_an_event_is_stored()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-fields");
        var started = Event("tx-f", 0, TransactionEventEnumType.Started, token: Rfid("RFID-F"), evse: new EVSEType { Id = 2, ConnectorId = 3 });
        started.TriggerReason = TriggerReasonEnumType.RemoteStart;
        started.NumberOfPhasesUsed = 3;
        started.CableMaxCurrent = 32;
        started.ReservationId = 77;
        started.TransactionInfo.RemoteStartId = 4242;
        started.TransactionInfo.ChargingState = ChargingStateEnumType.SuspendedEV;
        await SendAsync(bed, station, started);

        var e = Assert.Single(await EventsAsync(bed, "CS-E-fields", "tx-f"));
        Assert.Equal(("Started", "RemoteStart", 3, 32m, 77), (e.EventType, e.TriggerReason, e.NumberOfPhasesUsed, e.CableMaxCurrent, e.ReservationId));
        Assert.Equal((4242, "SuspendedEV", 2, 3), (e.RemoteStartId, e.ChargingState, e.EvseId, e.ConnectorId));
        Assert.Equal(("RFID-F", "ISO14443", false, false, false), (e.IdToken, e.IdTokenType, e.Offline, e.Late, e.OutOfOrder));
        var tx = await TransactionAsync(bed, "CS-E-fields", "tx-f");
        Assert.Equal((4242, 77, "RFID-F", "ISO14443"), (tx.RemoteStartId, tx.ReservationId, tx.IdToken, tx.IdTokenType));
        Assert.Equal((2, 3), (tx.EvseId, tx.ConnectorId));
    }

    [Fact]
    public async Task E12_events_that_happened_offline_are_stored_with_their_offline_flag_and_their_own_timestamps()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E12");

        // An Ended event with gaps or offline makes the CSMS ask the station whether messages are still queued (E14).
        bed.Router.Answer<GetTransactionStatusRequest, GetTransactionStatusResponse>(_ => new GetTransactionStatusResponse { MessagesInQueue = false });
        bed.Clock.Advance(TimeSpan.FromHours(2));
        var started = Event("tx-off", 0, TransactionEventEnumType.Started, 100);
        started.Offline = true;
        var ended = Event("tx-off", 1, TransactionEventEnumType.Ended, 900);
        ended.Offline = true;
        await SendAsync(bed, station, started);
        await SendAsync(bed, station, ended);

        var events = await EventsAsync(bed, "CS-E12", "tx-off");
        Assert.All(events, e => Assert.True(e.Offline));
        Assert.All(events, e => Assert.Equal(T0.AddHours(2), e.ReceivedAt));
        var tx = await TransactionAsync(bed, "CS-E12", "tx-off");
        Assert.Equal((T0, T0.AddMinutes(1), 800m), (tx.StartedAt, tx.EndedAt, tx.MeterLastWh - tx.MeterStartWh));
    }

    [Fact]
    public async Task E_an_exact_resend_of_a_seqNo_is_acknowledged_the_same_way_and_not_applied_twice()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, "RFID-D");
        var station = await bed.BootedStationAsync("CS-E-dup");
        var first = await SendAsync(bed, station, Event("tx-d", 0, TransactionEventEnumType.Started, 1000, token: Rfid("RFID-D")));
        await SendAsync(bed, station, Event("tx-d", 1, TransactionEventEnumType.Updated, 1200, ChargingStateEnumType.Charging));

        var again = await SendAsync(bed, station, Event("tx-d", 0, TransactionEventEnumType.Started, 1000, token: Rfid("RFID-D")));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, first.IdTokenInfo!.Status);
        Assert.Equal(first.IdTokenInfo.Status, again.IdTokenInfo!.Status);
        Assert.Equal(2, (await EventsAsync(bed, "CS-E-dup", "tx-d")).Count);
        var tx = await TransactionAsync(bed, "CS-E-dup", "tx-d");
        Assert.Equal((2, 1, "Charging"), (tx.EventCount, tx.LastSeqNo, tx.ChargingState));
        Assert.Contains(bed.Logs.Entries, l => l.Message.Contains("duplicate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task E12_a_resend_after_a_reconnect_or_after_Ended_is_recognised_from_the_store()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.RegisterStationAsync("CS-E-re");
        var before = bed.Station("CS-E-re");
        await SendAsync(bed, before, Event("tx-r", 0, TransactionEventEnumType.Started, 1000));
        await SendAsync(bed, before, Event("tx-r", 1, TransactionEventEnumType.Updated, 1100));

        // A new connection has a new session, which knows nothing of the transaction.
        var after = bed.Station("CS-E-re");
        Assert.Equal(0, after.Transactions.Count);
        await SendAsync(bed, after, Event("tx-r", 1, TransactionEventEnumType.Updated, 1100));
        await SendAsync(bed, after, Event("tx-r", 2, TransactionEventEnumType.Ended, 1300));
        await SendAsync(bed, after, Event("tx-r", 2, TransactionEventEnumType.Ended, 1300));

        Assert.Equal([0, 1, 2], (await EventsAsync(bed, "CS-E-re", "tx-r")).Select(e => e.SeqNo));
        var tx = await TransactionAsync(bed, "CS-E-re", "tx-r");
        Assert.Equal((3, "Ended", 1300m), (tx.EventCount, tx.State, tx.MeterLastWh));
    }

    [Fact]
    public async Task E_the_session_keeps_a_transaction_while_it_is_active_and_forgets_it_when_it_ends()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-session");
        await SendAsync(bed, station, Event("tx-s", 0, TransactionEventEnumType.Started));
        await SendAsync(bed, station, Event("tx-other", 0, TransactionEventEnumType.Started, evse: new EVSEType { Id = 2, ConnectorId = 1 }));
        Assert.Equal(2, station.Transactions.Count);
        await SendAsync(bed, station, Event("tx-s", 1, TransactionEventEnumType.Ended));
        Assert.Equal(1, station.Transactions.Count);
    }

    [Fact]
    public async Task E_an_event_with_a_lower_seqNo_than_one_applied_is_stored_out_of_order_and_does_not_rewind_the_state()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-ooo");
        await SendAsync(bed, station, Event("tx-o", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected));
        await SendAsync(bed, station, Event("tx-o", 2, TransactionEventEnumType.Updated, 1400, ChargingStateEnumType.SuspendedEV));
        await SendAsync(bed, station, Event("tx-o", 1, TransactionEventEnumType.Updated, 1200, ChargingStateEnumType.Charging));

        var tx = await TransactionAsync(bed, "CS-E-ooo", "tx-o");
        Assert.Equal(("SuspendedEV", 2, 3), (tx.ChargingState, tx.LastSeqNo, tx.EventCount));
        Assert.Equal((1000m, 1400m), (tx.MeterStartWh, tx.MeterLastWh));
        var events = await EventsAsync(bed, "CS-E-ooo", "tx-o");
        Assert.Equal([false, false, true], events.Select(e => e.OutOfOrder));
        Assert.Contains(bed.Logs.Entries, l => l.Message.Contains("out of order", StringComparison.Ordinal));
    }

    [Fact]
    public async Task E_a_gap_in_seqNo_is_stored_as_is_and_the_later_event_applied()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-gap");
        await SendAsync(bed, station, Event("tx-g", 0, TransactionEventEnumType.Started, 1000));
        await SendAsync(bed, station, Event("tx-g", 3, TransactionEventEnumType.Updated, 1600, ChargingStateEnumType.Charging));

        var tx = await TransactionAsync(bed, "CS-E-gap", "tx-g");
        Assert.Equal((3, "Charging", 1600m), (tx.LastSeqNo, tx.ChargingState, tx.MeterLastWh));
        var events = await EventsAsync(bed, "CS-E-gap", "tx-g");
        Assert.Equal([0, 3], events.Select(e => e.SeqNo));
        Assert.DoesNotContain(events, e => e.OutOfOrder || e.Late);

        // The missing event, when it comes, fills the gap without rewinding.
        await SendAsync(bed, station, Event("tx-g", 1, TransactionEventEnumType.Updated, 1200, ChargingStateEnumType.EVConnected));
        tx = await TransactionAsync(bed, "CS-E-gap", "tx-g");
        Assert.Equal((3, "Charging", 1600m, 3), (tx.LastSeqNo, tx.ChargingState, tx.MeterLastWh, tx.EventCount));
    }

    [Fact]
    public async Task E_an_event_that_arrives_after_Ended_is_stored_as_late_and_changes_nothing()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-late");

        // An Ended event with gaps or offline makes the CSMS ask the station whether messages are still queued (E14).
        bed.Router.Answer<GetTransactionStatusRequest, GetTransactionStatusResponse>(_ => new GetTransactionStatusResponse { MessagesInQueue = false });
        await SendAsync(bed, station, Event("tx-l", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.Charging));
        await SendAsync(bed, station, Event("tx-l", 2, TransactionEventEnumType.Ended, 2000, ChargingStateEnumType.Idle));
        var ended = await TransactionAsync(bed, "CS-E-late", "tx-l");

        bed.Clock.Advance(TimeSpan.FromMinutes(30));
        await SendAsync(bed, station, Event("tx-l", 1, TransactionEventEnumType.Updated, 5000, ChargingStateEnumType.SuspendedEVSE));

        var tx = await TransactionAsync(bed, "CS-E-late", "tx-l");
        Assert.Equal(("Ended", "Idle", 2000m, 2, ended.EndedAt), (tx.State, tx.ChargingState, tx.MeterLastWh, tx.LastSeqNo, tx.EndedAt));
        Assert.Equal(ended.UpdatedAt, tx.UpdatedAt);
        Assert.Equal(3, tx.EventCount);
        var late = Assert.Single(await EventsAsync(bed, "CS-E-late", "tx-l"), e => e.SeqNo == 1);
        Assert.True(late.Late);
        Assert.Equal(T0.AddMinutes(30), late.ReceivedAt);
    }

    [Fact]
    public async Task E_a_transaction_whose_Started_never_arrived_is_created_from_its_first_event_and_completed_when_Started_comes()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-E-nostart");
        await SendAsync(bed, station, Event("tx-n", 2, TransactionEventEnumType.Updated, 1500, ChargingStateEnumType.Charging, evse: new EVSEType { Id = 1 }));

        var tx = await TransactionAsync(bed, "CS-E-nostart", "tx-n");
        Assert.Equal(("Active", false, T0.AddMinutes(2), 2), (tx.State, tx.StartedReceived, tx.StartedAt, tx.LastSeqNo));
        Assert.Contains(bed.Logs.Entries, l => l.Message.Contains("Started event has not arrived", StringComparison.Ordinal));

        await SendAsync(bed, station, Event("tx-n", 0, TransactionEventEnumType.Started, 1000, ChargingStateEnumType.EVConnected));
        tx = await TransactionAsync(bed, "CS-E-nostart", "tx-n");
        Assert.Equal((true, T0, "Charging", 2), (tx.StartedReceived, tx.StartedAt, tx.ChargingState, tx.LastSeqNo));
        Assert.Equal((1000m, 1500m, 1), (tx.MeterStartWh, tx.MeterLastWh, tx.ConnectorId));
    }

    [Fact]
    public async Task E03_a_token_presented_after_the_start_is_attached_and_answered_with_its_authorization()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, "RFID-E03");
        var station = await bed.BootedStationAsync("CS-E03");
        var started = await SendAsync(bed, station, Event("tx-3", 0, TransactionEventEnumType.Started, state: ChargingStateEnumType.EVConnected));
        Assert.Null(started.IdTokenInfo);
        Assert.Null((await TransactionAsync(bed, "CS-E03", "tx-3")).IdToken);

        var authorized = Event("tx-3", 1, TransactionEventEnumType.Updated, token: Rfid("RFID-E03"));
        authorized.TriggerReason = TriggerReasonEnumType.Authorized;
        var response = await SendAsync(bed, station, authorized);

        Assert.Equal(AuthorizationStatusEnumType.Accepted, response.IdTokenInfo!.Status);
        var tx = await TransactionAsync(bed, "CS-E03", "tx-3");
        Assert.Equal(("RFID-E03", "ISO14443", "Accepted"), (tx.IdToken, tx.IdTokenType, tx.AuthorizationStatus));
    }

    [Fact]
    public async Task E_a_token_in_an_event_is_answered_Unknown_NotAtThisLocation_or_Expired_and_the_answer_is_kept()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, "RFID-EVSE2", allowedEvses: "2");
        await AddTokenAsync(bed, "RFID-SOON", expiresAt: T0.AddMinutes(30));
        var station = await bed.BootedStationAsync("CS-E-auth");

        var unknown = await SendAsync(bed, station, Event("tx-u", 0, TransactionEventEnumType.Started, token: Rfid("RFID-NONE")));
        Assert.Equal(AuthorizationStatusEnumType.Unknown, unknown.IdTokenInfo!.Status);
        Assert.Equal("Unknown", (await TransactionAsync(bed, "CS-E-auth", "tx-u")).AuthorizationStatus);

        // The EVSE is the transaction's when the event does not name one.
        await SendAsync(bed, station, Event("tx-w", 0, TransactionEventEnumType.Started, evse: new EVSEType { Id = 1, ConnectorId = 1 }));
        var wrongEvse = await SendAsync(bed, station, Event("tx-w", 1, TransactionEventEnumType.Updated, token: Rfid("RFID-EVSE2")));
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisLocation, wrongEvse.IdTokenInfo!.Status);

        var fine = await SendAsync(bed, station, Event("tx-e", 0, TransactionEventEnumType.Started, token: Rfid("RFID-SOON"), evse: new EVSEType { Id = 3, ConnectorId = 1 }));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, fine.IdTokenInfo!.Status);
        bed.Clock.Advance(TimeSpan.FromMinutes(30));
        var expired = await SendAsync(bed, station, Event("tx-e", 1, TransactionEventEnumType.Updated, token: Rfid("RFID-SOON")));
        Assert.Equal(AuthorizationStatusEnumType.Expired, expired.IdTokenInfo!.Status);
        Assert.Equal("Expired", (await TransactionAsync(bed, "CS-E-auth", "tx-e")).AuthorizationStatus);
    }

    [Fact]
    public async Task E_a_token_already_in_an_active_transaction_gets_ConcurrentTx_for_a_second_one_but_not_for_its_own_events()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await AddTokenAsync(bed, "RFID-ONE");
        var a = await bed.BootedStationAsync("CS-E-cc-A");
        var b = await bed.BootedStationAsync("CS-E-cc-B");

        var first = await SendAsync(bed, a, Event("tx-a", 0, TransactionEventEnumType.Started, token: Rfid("RFID-ONE")));
        var own = await SendAsync(bed, a, Event("tx-a", 1, TransactionEventEnumType.Updated, token: Rfid("RFID-ONE")));
        var second = await SendAsync(bed, b, Event("tx-b", 0, TransactionEventEnumType.Started, token: Rfid("RFID-ONE")));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, first.IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.Accepted, own.IdTokenInfo!.Status);
        Assert.Equal(AuthorizationStatusEnumType.ConcurrentTx, second.IdTokenInfo!.Status);

        await SendAsync(bed, a, Event("tx-a", 2, TransactionEventEnumType.Ended));
        var afterEnd = await SendAsync(bed, b, Event("tx-b", 1, TransactionEventEnumType.Updated, token: Rfid("RFID-ONE")));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, afterEnd.IdTokenInfo!.Status);
    }

    [Fact]
    public async Task E_transactions_of_two_stations_with_the_same_id_are_kept_apart()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var a = await bed.BootedStationAsync("CS-E-A");
        var b = await bed.BootedStationAsync("CS-E-B");
        await SendAsync(bed, a, Event("tx-same", 0, TransactionEventEnumType.Started, 100));
        await SendAsync(bed, b, Event("tx-same", 0, TransactionEventEnumType.Started, 900));
        await SendAsync(bed, a, Event("tx-same", 1, TransactionEventEnumType.Ended, 200));

        Assert.Equal(("Ended", 100m), ((await TransactionAsync(bed, "CS-E-A", "tx-same")).State, (await TransactionAsync(bed, "CS-E-A", "tx-same")).MeterStartWh));
        Assert.Equal(("Active", 900m), ((await TransactionAsync(bed, "CS-E-B", "tx-same")).State, (await TransactionAsync(bed, "CS-E-B", "tx-same")).MeterStartWh));
    }

    [Fact]
    public async Task E14_get_transaction_status_asks_the_station_about_the_transaction_and_returns_its_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-E14");
        bed.Router.Answer<GetTransactionStatusRequest, GetTransactionStatusResponse>(r => new GetTransactionStatusResponse { MessagesInQueue = r.TransactionId == "tx-q", OngoingIndicator = true });

        var response = await bed.Transactions.GetTransactionStatusAsync("CS-E14", "tx-q", CancellationToken.None);

        Assert.Equal((true, (bool?)true), (response.MessagesInQueue, response.OngoingIndicator));
        Assert.Equal("tx-q", Assert.Single(bed.Router.Requests<GetTransactionStatusRequest>()).TransactionId);
    }
}
