using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using ReservationBlock = Ohm.Csms.Blocks.Reservation;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block H, Reservation, on the CSMS side with the wire faked: what a reservation's record says after each kind of answer.</summary>
public sealed class ReservationBlockTests
{
    private static readonly IdTokenType A = new() { IdToken = "A", Type = IdTokenEnumType.ISO14443 };

    private static ReservationBlock Block(BlockTestBed bed) =>
        new(bed.Writer, bed.Database, bed.Router, new StationMessageStore(bed.Writer, bed.Clock), bed.Clock);

    private static ReservationBlock.Request Evse(int? evseId, int minutes = 30) => new(evseId, null, A, null, BlockTestBed.T0.AddMinutes(minutes));

    private static Task<ReservationRecord> ReadAsync(BlockTestBed bed, int id) =>
        bed.ReadAsync(db => db.Reservations.AsNoTracking().SingleAsync(r => r.Id == id));

    private static Task<List<ReservationRecord>> AllAsync(BlockTestBed bed) =>
        bed.ReadAsync(db => db.Reservations.AsNoTracking().OrderBy(r => r.Id).ToListAsync());

    [Fact]
    public async Task H01_a_CALLERROR_leaves_the_reservation_Rejected_and_a_call_without_an_answer_leaves_it_Requested_and_blocking()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-H");
        var block = Block(bed);

        bed.Router.FailWithCallError<ReserveNowRequest>(OcppErrorCode.InternalError);
        await Assert.ThrowsAsync<OcppCallErrorException>(() => block.ReserveAsync("CS-H", Evse(1), CancellationToken.None));
        Assert.Equal(ReservationState.Rejected, Assert.Single(await AllAsync(bed)).State);

        bed.Router.FailWithTimeout<ReserveNowRequest>();
        await Assert.ThrowsAsync<OcppCallTimeoutException>(() => block.ReserveAsync("CS-H", Evse(1), CancellationToken.None));
        var all = await AllAsync(bed);
        Assert.Equal(ReservationState.Requested, all[1].State);

        // The station may hold the one it did not answer about: EVSE 1 stays reserved for the CSMS until that one expires.
        bed.Router.Answer<ReserveNowRequest, ReserveNowResponse>(new ReserveNowResponse { Status = ReserveNowStatusEnumType.Accepted });
        Assert.Equal(ReservationBlock.OutcomeKind.Conflict, (await block.ReserveAsync("CS-H", Evse(1), CancellationToken.None)).Kind);
        bed.Clock.Advance(TimeSpan.FromMinutes(31));
        var after = await block.ReserveAsync("CS-H", Evse(1, 60), CancellationToken.None);
        Assert.Equal(ReservationBlock.OutcomeKind.Done, after.Kind);
        Assert.Equal(ReservationState.Accepted, after.Reservation!.State);
    }

    [Fact]
    public async Task H01_an_expiry_not_in_the_future_and_an_unknown_station_are_refused_before_sending()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-H");
        var block = Block(bed);

        Assert.Equal(ReservationBlock.OutcomeKind.Invalid, (await block.ReserveAsync("CS-H", Evse(1, 0), CancellationToken.None)).Kind);
        Assert.Equal(ReservationBlock.OutcomeKind.NotFound, (await block.ReserveAsync("CS-NONE", Evse(1), CancellationToken.None)).Kind);
        Assert.Empty(bed.Router.Calls);

        // A registered station that is not connected: nothing is stored.
        await bed.RegisterStationAsync("CS-AWAY");
        await Assert.ThrowsAsync<StationNotConnectedException>(() => block.ReserveAsync("CS-AWAY", Evse(1), CancellationToken.None));
        Assert.Empty(await AllAsync(bed));
    }

    [Fact]
    public async Task H03_a_TransactionEvent_with_the_reservationId_of_another_station_does_not_use_it()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-H");
        var other = await bed.BootedStationAsync("CS-OTHER");
        bed.Router.Answer<ReserveNowRequest, ReserveNowResponse>(new ReserveNowResponse { Status = ReserveNowStatusEnumType.Accepted });
        var made = await Block(bed).ReserveAsync("CS-H", Evse(1), CancellationToken.None);
        var id = made.Reservation!.Id;

        var started = TransactionTests.Event("TX-O", 0, TransactionEventEnumType.Started);
        started.ReservationId = id;
        await bed.HandleAsync(bed.Transactions.TransactionEventAsync, other, started);
        Assert.Equal(ReservationState.Accepted, (await ReadAsync(bed, id)).State);
    }

    [Fact]
    public async Task H02_a_Rejected_cancel_is_stored_and_leaves_the_reservation_Accepted()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-H");
        var block = Block(bed);
        bed.Router.Answer<ReserveNowRequest, ReserveNowResponse>(new ReserveNowResponse { Status = ReserveNowStatusEnumType.Accepted });
        var id = (await block.ReserveAsync("CS-H", Evse(2), CancellationToken.None)).Reservation!.Id;

        bed.Router.Answer<CancelReservationRequest, CancelReservationResponse>(new CancelReservationResponse { Status = CancelReservationStatusEnumType.Rejected });
        var cancel = await block.CancelAsync(id, CancellationToken.None);
        Assert.Equal(ReservationState.Accepted, cancel.Reservation!.State);
        Assert.Equal("Rejected", (await ReadAsync(bed, id)).CancelStatus);
        Assert.Equal(id, Assert.Single(bed.Router.Requests<CancelReservationRequest>()).ReservationId);
    }
}
