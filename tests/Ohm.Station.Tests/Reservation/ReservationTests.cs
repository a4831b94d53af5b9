using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Reservation;

/// <summary>
/// Block H on the station against the test CSMS over loopback: ReserveNow (H01) of an EVSE and of any EVSE, the connector
/// Reserved, CancelReservation (H02), the reserved EVSE used by its idToken or group only (H03, C09) with the
/// reservationId in the Started event, expiry by the station's clock and removal (H04, ReservationStatusUpdate).
/// </summary>
public sealed class ReservationTests
{
    private static readonly IdTokenType A = new() { IdToken = "RES-A", Type = IdTokenEnumType.ISO14443 };

    private static ReserveNowRequest Reserve(int id, int? evseId, IdTokenType token, DateTimeOffset expiry, IdTokenType? group = null, ConnectorEnumType? type = null) => new()
    {
        Id = id,
        EvseId = evseId,
        IdToken = token,
        GroupIdToken = group,
        ConnectorType = type,
        ExpiryDateTime = expiry,
    };

    private static DateTimeOffset Later => DateTimeOffset.UtcNow.AddHours(1);

    private static Task Status(StationHarness h, string id, int evse, ConnectorStatusEnumType status) =>
        TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>(id).LastOrDefault(s => s.EvseId == evse)?.ConnectorStatus == status, $"EVSE {evse} {status}");

    [Fact]
    public async Task H01_a_reservation_of_a_specific_EVSE_makes_its_connector_Reserved_and_the_same_id_replaces_it()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H01");
        await Status(h, "CS-H01", 2, ConnectorStatusEnumType.Available);

        var reserved = await h.Csms.Call("CS-H01", Reserve(11, 1, A, Later, type: ConnectorEnumType.CType2));
        Assert.Equal(ReserveNowStatusEnumType.Accepted, reserved.Status);
        await Status(h, "CS-H01", 1, ConnectorStatusEnumType.Reserved);
        Assert.Equal(ConnectorStatusEnumType.Available, station.Availability.StatusOf(station.Evses[2]));
        Assert.Equal(1, Assert.Single(station.Reservation.Active()).EvseId);

        // H01.FR.02: the same id again replaces the reservation: EVSE 1 is Available again, EVSE 2 Reserved.
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H01", Reserve(11, 2, A, Later))).Status);
        await Status(h, "CS-H01", 1, ConnectorStatusEnumType.Available);
        await Status(h, "CS-H01", 2, ConnectorStatusEnumType.Reserved);
        Assert.Equal(2, Assert.Single(station.Reservation.Active()).EvseId);

        // Another reservation of the reserved EVSE: Occupied; of an EVSE with an EV plugged in: Occupied; of an unknown
        // EVSE or a connector type it does not have: Rejected; of an Inoperative EVSE: Unavailable.
        Assert.Equal(ReserveNowStatusEnumType.Occupied, (await h.Csms.Call("CS-H01", Reserve(12, 2, A, Later))).Status);
        await Drive.Do(station, "plug", 1);
        Assert.Equal(ReserveNowStatusEnumType.Occupied, (await h.Csms.Call("CS-H01", Reserve(13, 1, A, Later))).Status);
        Assert.Equal(ReserveNowStatusEnumType.Rejected, (await h.Csms.Call("CS-H01", Reserve(14, 9, A, Later))).Status);
        Assert.Equal(ReserveNowStatusEnumType.Rejected, (await h.Csms.Call("CS-H01", Reserve(15, 2, A, Later, type: ConnectorEnumType.CCCS2))).Status);
        await Drive.Do(station, "unplug", 1);
        await h.Csms.Call("CS-H01", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Inoperative, Evse = new EVSEType { Id = 1 } });
        Assert.Equal(ReserveNowStatusEnumType.Unavailable, (await h.Csms.Call("CS-H01", Reserve(16, 1, A, Later))).Status);
        Assert.Single(station.Reservation.Active());

        // Held in the store: a restarted station still holds it and shows EVSE 2 Reserved.
        await station.StopAsync();
        var restarted = await h.StartStation("CS-H01");
        Assert.Equal(11, Assert.Single(restarted.Reservation.Active()).Id);
        Assert.Equal(ConnectorStatusEnumType.Reserved, restarted.Availability.StatusOf(restarted.Evses[2]));
    }

    [Fact]
    public async Task H01_ReservationCtrlr_disabled_or_any_EVSE_without_NonEvseSpecific_is_Rejected()
    {
        await using var h = await StationHarness.StartAsync();
        var disabled = await h.StartStation("CS-H01D", StationHarness.Config(c => c.With("ReservationCtrlr", "Enabled", "false")));
        Assert.Equal(ReserveNowStatusEnumType.Rejected, (await h.Csms.Call("CS-H01D", Reserve(1, 1, A, Later))).Status);
        Assert.Empty(disabled.Reservation.Active());

        var specific = await h.StartStation("CS-H01S", StationHarness.Config(c => c.With("ReservationCtrlr", "NonEvseSpecific", "false")));
        Assert.Equal(ReserveNowStatusEnumType.Rejected, (await h.Csms.Call("CS-H01S", Reserve(2, null, A, Later))).Status);
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H01S", Reserve(3, 1, A, Later))).Status);
        Assert.Equal(3, Assert.Single(specific.Reservation.Active()).Id);
    }

    [Fact]
    public async Task H01_non_EVSE_specific_reservations_keep_a_free_EVSE_for_their_tokens_and_the_reservationId_goes_in_the_Started_event()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H01N");
        await Status(h, "CS-H01N", 2, ConnectorStatusEnumType.Available);

        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H01N", Reserve(21, null, A, Later))).Status);

        // One reservation of any EVSE and two free EVSEs: nothing shows Reserved yet.
        Assert.Equal(ConnectorStatusEnumType.Available, station.Availability.StatusOf(station.Evses[1]));
        var b = new IdTokenType { IdToken = "RES-B", Type = IdTokenEnumType.ISO14443 };
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H01N", Reserve(22, null, b, Later))).Status);

        // Two reservations of any EVSE take both free EVSEs: both show Reserved, a third is Occupied, another token is refused.
        await Status(h, "CS-H01N", 1, ConnectorStatusEnumType.Reserved);
        await Status(h, "CS-H01N", 2, ConnectorStatusEnumType.Reserved);
        Assert.Equal(ReserveNowStatusEnumType.Occupied, (await h.Csms.Call("CS-H01N", Reserve(23, null, A, Later))).Status);
        Assert.Equal(AuthorizationStatusEnumType.NotAtThisTime, await station.Authorization.PresentTokenAsync(1, "RES-OTHER"));
        Assert.Null(station.Evses[1].AuthorizedToken);

        // A's token at EVSE 1 uses its reservation: the Started event carries 21, and only B's reservation remains.
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "RES-A"));
        await Drive.Do(station, "plug", 1);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(21, started.ReservationId);
        Assert.Equal(22, Assert.Single(station.Reservation.Active()).Id);
        await Status(h, "CS-H01N", 2, ConnectorStatusEnumType.Reserved);
    }

    [Fact]
    public async Task H02_CancelReservation_of_a_held_reservation_is_Accepted_and_makes_the_EVSE_Available_an_unknown_one_is_Rejected()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H02");
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H02", Reserve(31, 1, A, Later))).Status);
        await Status(h, "CS-H02", 1, ConnectorStatusEnumType.Reserved);

        Assert.Equal(CancelReservationStatusEnumType.Accepted, (await h.Csms.Call("CS-H02", new CancelReservationRequest { ReservationId = 31 })).Status);
        await Status(h, "CS-H02", 1, ConnectorStatusEnumType.Available);
        Assert.Empty(station.Reservation.Active());
        Assert.Equal(CancelReservationStatusEnumType.Rejected, (await h.Csms.Call("CS-H02", new CancelReservationRequest { ReservationId = 31 })).Status);
        Assert.Empty(h.Csms.Of<ReservationStatusUpdateRequest>("CS-H02"));
    }

    [Fact]
    public async Task H03_a_reserved_EVSE_refuses_another_token_and_its_remote_start_and_starts_for_the_reserving_token_with_the_reservationId()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H03");
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H03", Reserve(41, 1, A, Later))).Status);

        Assert.Equal(AuthorizationStatusEnumType.NotAtThisTime, await station.Authorization.PresentTokenAsync(1, "RES-OTHER"));
        Assert.Null(station.Evses[1].AuthorizedToken);
        var remote = await h.Csms.Call("CS-H03", new RequestStartTransactionRequest { RemoteStartId = 5, EvseId = 1, IdToken = new IdTokenType { IdToken = "RES-OTHER", Type = IdTokenEnumType.ISO14443 } });
        Assert.Equal(RequestStartStopStatusEnumType.Rejected, remote.Status);

        // The other EVSE is not reserved: the other token may use it.
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(2, "RES-OTHER"));

        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "RES-A"));
        await Drive.Do(station, "plug", 1);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started, e => e.Evse?.Id == 1);
        Assert.Equal(41, started.ReservationId);
        Assert.Empty(station.Reservation.Active());
        Assert.Empty(h.Csms.Of<ReservationStatusUpdateRequest>("CS-H03"));
    }

    [Fact]
    public async Task H03_remote_start_of_the_reserving_token_is_Accepted_and_carries_the_reservationId()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H03R");
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H03R", Reserve(42, 2, A, Later))).Status);

        var remote = await h.Csms.Call("CS-H03R", new RequestStartTransactionRequest { RemoteStartId = 6, EvseId = 2, IdToken = A });
        Assert.Equal(RequestStartStopStatusEnumType.Accepted, remote.Status);
        await TestCsms.Until(() => station.Evses[2].AuthorizedToken is not null, "EVSE 2 authorized");
        await Drive.Do(station, "plug", 2);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started, e => e.Evse?.Id == 2);
        Assert.Equal(42, started.ReservationId);
        Assert.Empty(station.Reservation.Active());
    }

    [Fact]
    public async Task C09_a_token_whose_groupIdToken_matches_the_reservation_group_may_use_the_reserved_EVSE()
    {
        await using var h = await StationHarness.StartAsync();
        var fleet = new IdTokenType { IdToken = "FLEET", Type = IdTokenEnumType.Central };
        h.Csms.Authorize = r => new AuthorizeResponse
        {
            IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted, GroupIdToken = r.IdToken.IdToken.StartsWith("FLEET-", StringComparison.Ordinal) ? fleet : null },
        };
        var station = await h.StartStation("CS-C09");
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-C09", Reserve(51, 1, A, Later, group: fleet))).Status);

        Assert.Equal(AuthorizationStatusEnumType.NotAtThisTime, await station.Authorization.PresentTokenAsync(1, "LONER"));
        Assert.Equal(AuthorizationStatusEnumType.Accepted, await station.Authorization.PresentTokenAsync(1, "FLEET-7"));
        await Drive.Do(station, "plug", 1);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Equal(51, started.ReservationId);
        Assert.Equal("FLEET-7", started.IdToken?.IdToken);
    }

    [Fact]
    public async Task H04_a_reservation_expires_by_the_station_clock_with_ReservationStatusUpdate_Expired_and_the_EVSE_becomes_Available()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-H04");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-H04", options: options);
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H04", Reserve(61, 1, A, clock.GetUtcNow().AddMinutes(5)))).Status);
        await Status(h, "CS-H04", 1, ConnectorStatusEnumType.Reserved);

        var elapsed = await clock.AdvanceUntil(TimeSpan.FromSeconds(30), () => h.Csms.Of<ReservationStatusUpdateRequest>("CS-H04").Count > 0, TimeSpan.FromMinutes(10), "ReservationStatusUpdate");
        Assert.InRange(elapsed, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(6));
        var update = Assert.Single(h.Csms.Of<ReservationStatusUpdateRequest>("CS-H04"));
        Assert.Equal(61, update.ReservationId);
        Assert.Equal(ReservationUpdateStatusEnumType.Expired, update.ReservationUpdateStatus);
        await Status(h, "CS-H04", 1, ConnectorStatusEnumType.Available);
        Assert.Empty(station.Reservation.Active());
    }

    [Fact]
    public async Task H04_an_EVSE_made_Inoperative_loses_its_reservation_with_ReservationStatusUpdate_Removed()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-H04R");
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H04R", Reserve(71, 2, A, Later))).Status);
        Assert.Equal(ReserveNowStatusEnumType.Accepted, (await h.Csms.Call("CS-H04R", Reserve(72, 1, A, Later))).Status);

        await h.Csms.Call("CS-H04R", new ChangeAvailabilityRequest { OperationalStatus = OperationalStatusEnumType.Inoperative, Evse = new EVSEType { Id = 2 } });
        var update = await h.Csms.WaitFor<ReservationStatusUpdateRequest>();
        Assert.Equal(71, update.ReservationId);
        Assert.Equal(ReservationUpdateStatusEnumType.Removed, update.ReservationUpdateStatus);
        await Status(h, "CS-H04R", 2, ConnectorStatusEnumType.Unavailable);
        Assert.Equal(72, Assert.Single(station.Reservation.Active()).Id);
    }
}
