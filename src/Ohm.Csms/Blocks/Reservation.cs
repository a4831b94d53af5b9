using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block H, Reservation, on the CSMS side: reservations are data (<see cref="ReservationRecord"/>). ReserveNow (H01) of an
/// EVSE or of any EVSE of a station, refused by the CSMS before anything is sent when it would overlap; CancelReservation
/// (H02); the station's ReservationStatusUpdate (Expired, Removed) and the TransactionEvent that carries the reservationId
/// (H03, marks it Used) move it on. An Accepted reservation past its expiry reads as Expired by the CSMS clock (H04).
/// </summary>
public sealed class Reservation(CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, StationMessageStore messages, TimeProvider time)
{
    /// <summary>What to reserve: an EVSE (null: any EVSE of the station), optionally a connector type, for a token (and its group) until an expiry.</summary>
    public sealed record Request(int? EvseId, ConnectorEnumType? ConnectorType, IdTokenType IdToken, IdTokenType? GroupIdToken, DateTimeOffset ExpiryDateTime);

    /// <summary>How a reserve or cancel went: the reservation as stored, or why the CSMS refused it before sending anything.</summary>
    public sealed record Outcome(ReservationRecord? Reservation, OutcomeKind Kind, string? Detail = null);

    /// <summary>Why an operation did not reach the station.</summary>
    public enum OutcomeKind
    {
        /// <summary>Sent and answered; the record holds the answer.</summary>
        Done,

        /// <summary>The station is not registered, or the reservation does not exist.</summary>
        NotFound,

        /// <summary>Refused by the CSMS: it would overlap an active reservation, or the reservation is no longer active.</summary>
        Conflict,

        /// <summary>The request itself is wrong (an expiry not in the future).</summary>
        Invalid,
    }

    private const string NotConnected = "not connected";

    /// <summary>Whether a reservation still holds (it counts for overlaps) at <paramref name="now"/>.</summary>
    public static bool IsActive(ReservationRecord reservation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return reservation.State is ReservationState.Requested or ReservationState.Accepted && reservation.ExpiryDateTime > now;
    }

    /// <summary>The state as it reads at <paramref name="now"/>: an Accepted reservation past its expiry is Expired (H04).</summary>
    public static ReservationState EffectiveState(ReservationRecord reservation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        return reservation.State == ReservationState.Accepted && reservation.ExpiryDateTime <= now ? ReservationState.Expired : reservation.State;
    }

    /// <summary>
    /// H01 Reservation: stores the reservation as Requested with a new id (refused when it would overlap), sends ReserveNow
    /// and stores the station's answer. Overlap: an active unexpired reservation of the same EVSE; for any EVSE, as many
    /// active reservations at the station as it has EVSEs known to the CSMS (the EVSEs of its stored connector statuses).
    /// A station not connected stores nothing (<see cref="StationNotConnectedException"/>); a CALLERROR or a closed
    /// connection leaves the reservation Rejected and is rethrown; a call without an answer in time leaves it Requested,
    /// as the station may hold it (it then counts for overlaps until its expiry).
    /// </summary>
    public async Task<Outcome> ReserveAsync(string stationId, Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (request.ExpiryDateTime <= now)
        {
            return new(null, OutcomeKind.Invalid, $"expiryDateTime {request.ExpiryDateTime:O} is not in the future (now {now:O}).");
        }

        // Asked before the write (on another node of a cluster, the answer is awaited), not inside it.
        var connected = await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false);
        var created = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            if (await db.Stations.FindAsync(stationId).ConfigureAwait(false) is null)
            {
                return new Outcome(null, OutcomeKind.NotFound, $"Station '{stationId}' is not registered.");
            }

            // Not connected: nothing is stored, the caller hears it as from any call.
            if (!connected)
            {
                return new Outcome(null, OutcomeKind.NotFound, NotConnected);
            }

            var open = (await db.Reservations.Where(r => r.StationId == stationId
                    && (r.State == ReservationState.Requested || r.State == ReservationState.Accepted)).ToListAsync().ConfigureAwait(false))
                .Where(r => IsActive(r, now)).ToList();
            if (request.EvseId is { } evseId)
            {
                if (open.FirstOrDefault(r => r.EvseId == evseId) is { } same)
                {
                    return new Outcome(same, OutcomeKind.Conflict, $"EVSE {evseId} of '{stationId}' is reserved already (reservation {same.Id}, until {same.ExpiryDateTime:O}).");
                }
            }
            else
            {
                var evses = await db.ConnectorStatuses.Where(c => c.StationId == stationId && c.Current && c.EvseId > 0)
                    .Select(c => c.EvseId).Distinct().CountAsync().ConfigureAwait(false);
                if (open.Count >= evses)
                {
                    return new Outcome(null, OutcomeKind.Conflict,
                        $"'{stationId}' has {open.Count} active reservation(s) and {evses} EVSE(s) known to the CSMS (from its connector statuses): no EVSE is left to reserve.");
                }
            }

            var record = new ReservationRecord
            {
                StationId = stationId,
                EvseId = request.EvseId,
                ConnectorType = request.ConnectorType?.ToWire(),
                IdToken = request.IdToken.IdToken,
                IdTokenType = request.IdToken.Type.ToWire(),
                GroupIdToken = request.GroupIdToken?.IdToken,
                GroupIdTokenType = request.GroupIdToken?.Type.ToWire(),
                ExpiryDateTime = request.ExpiryDateTime,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Reservations.Add(record);
            return new Outcome(record, OutcomeKind.Done);
        }, cancellationToken).ConfigureAwait(false);
        if (created.Kind == OutcomeKind.NotFound && ReferenceEquals(created.Detail, NotConnected))
        {
            throw new StationNotConnectedException(stationId);
        }

        if (created.Kind != OutcomeKind.Done)
        {
            return created;
        }

        var reservation = created.Reservation!;
        var call = new ReserveNowRequest
        {
            Id = reservation.Id,
            EvseId = request.EvseId,
            ConnectorType = request.ConnectorType,
            IdToken = request.IdToken,
            GroupIdToken = request.GroupIdToken,
            ExpiryDateTime = request.ExpiryDateTime,
        };
        ReserveNowResponse response;
        try
        {
            response = await router.CallAsync(stationId, call, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is StationNotConnectedException or OcppCallErrorException or OcppPayloadException or OcppConnectionClosedException)
        {
            await UpdateAsync(stationId, reservation.Id, r => r.State = ReservationState.Rejected).ConfigureAwait(false);
            throw;
        }

        var stored = await UpdateAsync(stationId, reservation.Id, r =>
        {
            r.StationStatus = response.Status.ToWire();
            if (r.State == ReservationState.Requested)
            {
                r.State = response.Status == ReserveNowStatusEnumType.Accepted ? ReservationState.Accepted : ReservationState.Rejected;
            }
        }).ConfigureAwait(false);
        return new(stored, OutcomeKind.Done);
    }

    /// <summary>H02 Cancel Reservation: sends CancelReservation of an active reservation and stores the answer (Accepted: Cancelled).</summary>
    public async Task<Outcome> CancelAsync(int reservationId, CancellationToken cancellationToken)
    {
        ReservationRecord? reservation;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            reservation = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reservationId, cancellationToken).ConfigureAwait(false);
        }

        if (reservation is null)
        {
            return new(null, OutcomeKind.NotFound, $"Reservation {reservationId} does not exist.");
        }

        if (!IsActive(reservation, time.GetUtcNow()))
        {
            return new(reservation, OutcomeKind.Conflict, $"Reservation {reservationId} is {EffectiveState(reservation, time.GetUtcNow())}; only an active one can be cancelled.");
        }

        var response = await router.CallAsync(reservation.StationId, new CancelReservationRequest { ReservationId = reservationId }, cancellationToken).ConfigureAwait(false);
        var stored = await UpdateAsync(reservation.StationId, reservationId, r =>
        {
            r.CancelStatus = response.Status.ToWire();
            if (response.Status == CancelReservationStatusEnumType.Accepted && r.State is ReservationState.Requested or ReservationState.Accepted)
            {
                r.State = ReservationState.Cancelled;
            }
        }).ConfigureAwait(false);
        return new(stored, OutcomeKind.Done);
    }

    // H01, H04 (the reservation expired or was removed): each ReservationStatusUpdate is stored and moves its reservation on.
    public async ValueTask<ReservationStatusUpdateResponse> ReservationStatusUpdateAsync(ReservationStatusUpdateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var state = request.ReservationUpdateStatus == ReservationUpdateStatusEnumType.Expired ? ReservationState.Expired : ReservationState.Removed;
        await writer.ExecuteForStationAsync(context.StationId, async db =>
        {
            var reservation = await db.Reservations.FindAsync(request.ReservationId).ConfigureAwait(false);
            if (reservation is not null && reservation.StationId == context.StationId
                && reservation.State is ReservationState.Requested or ReservationState.Accepted)
            {
                reservation.State = state;
                reservation.UpdatedAt = time.GetUtcNow();
            }
        }, cancellationToken).ConfigureAwait(false);
        return new ReservationStatusUpdateResponse();
    }

    /// <summary>
    /// H03: a transaction started with the reservation's id: marks it Used with the transaction. Called by Transactions in
    /// the write of the event, so it is durable before the event is acknowledged.
    /// </summary>
    public static async Task MarkUsedAsync(CsmsDbContext db, string stationId, int reservationId, string transactionId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        var reservation = await db.Reservations.FindAsync(reservationId).ConfigureAwait(false);
        if (reservation is null || reservation.StationId != stationId || reservation.State == ReservationState.Used)
        {
            return;
        }

        reservation.State = ReservationState.Used;
        reservation.TransactionId = transactionId;
        reservation.UpdatedAt = now;
    }

    private async Task<ReservationRecord> UpdateAsync(string stationId, int reservationId, Action<ReservationRecord> change)
    {
        var now = time.GetUtcNow();
        return await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var r = await db.Reservations.FindAsync(reservationId).ConfigureAwait(false) ?? throw new InvalidOperationException($"Reservation {reservationId} vanished.");
            change(r);
            r.UpdatedAt = now;
            return r;
        }, CancellationToken.None).ConfigureAwait(false);
    }
}
