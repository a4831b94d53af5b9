using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Queries;

/// <summary>An idToken with its type, spelled as in OCPP (ISO14443, eMAID, Central, ...).</summary>
public sealed record ReservationTokenView
{
    /// <summary>The token.</summary>
    public required string IdToken { get; init; }

    /// <summary>Its type.</summary>
    public required IdTokenEnumType Type { get; init; }
}

/// <summary>
/// A reservation: <c>state</c> Requested, Accepted, Rejected, Cancelled, Expired, Removed or Used (an Accepted one past
/// its expiry reads Expired); <c>stationStatus</c> the station's ReserveNow answer; <c>cancelStatus</c> its
/// CancelReservation answer; <c>transactionId</c> the transaction that used it.
/// </summary>
public sealed record ReservationView(
    int Id, string StationId, int? EvseId, string? ConnectorType, ReservationTokenView IdToken, ReservationTokenView? GroupIdToken,
    DateTimeOffset ExpiryDateTime, string State, string? StationStatus, string? CancelStatus, string? TransactionId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Block H's stored reservations as they read now, for the API and the console alike.</summary>
public sealed class ReservationQueries(CsmsDatabase database, TimeProvider time)
{
    /// <summary>A reservation as it reads at <paramref name="now"/>.</summary>
    public static ReservationView View(ReservationRecord r, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(
            r.Id,
            r.StationId,
            r.EvseId,
            r.ConnectorType,
            new ReservationTokenView { IdToken = r.IdToken, Type = IdTokenEnumTypeSchema.FromWire(r.IdTokenType) },
            r.GroupIdToken is null ? null : new ReservationTokenView { IdToken = r.GroupIdToken, Type = IdTokenEnumTypeSchema.FromWire(r.GroupIdTokenType ?? "Central") },
            r.ExpiryDateTime,
            Reservation.EffectiveState(r, now).ToString(),
            r.StationStatus,
            r.CancelStatus,
            r.TransactionId,
            r.CreatedAt,
            r.UpdatedAt);
    }

    /// <summary>The view of <paramref name="r"/> now.</summary>
    public ReservationView View(ReservationRecord r) => View(r, time.GetUtcNow());

    /// <summary>One reservation, or null.</summary>
    public async Task<ReservationView?> GetAsync(int reservationId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var r = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == reservationId, cancellationToken).ConfigureAwait(false);
        return r is null ? null : View(r);
    }

    /// <summary>The station a reservation is at, or null when there is no such reservation.</summary>
    public async Task<string?> StationOfAsync(int reservationId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        return await db.Reservations.AsNoTracking().Where(r => r.Id == reservationId).Select(r => r.StationId).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reservations, oldest first, by station, state (as it reads now) and idToken (each null for all), after
    /// <paramref name="after"/> (a keyset cursor), skipping <paramref name="skip"/>: at most <paramref name="take"/> + 1 rows
    /// (the one more says there is a next page) and how many match in all.
    /// </summary>
    public async Task<(List<ReservationView> Rows, int Total)> ListAsync(
        string? stationId, ReservationState? state, string? idToken, long? after, int skip, int take, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        var query = db.Reservations.AsNoTracking();
        if (stationId is not null)
        {
            query = query.Where(r => r.StationId == stationId);
        }

        if (idToken is not null)
        {
            query = query.Where(r => r.IdToken == idToken);
        }

        // The state as it reads now: an Accepted reservation past its expiry is Expired (compared in memory: SQLite cannot
        // order DateTimeOffset in a query).
        var rows = await query.OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var matching = rows.Where(r => state is null || Reservation.EffectiveState(r, now) == state).ToList();
        var page = matching.Where(r => after is null || r.Id > after).Skip(skip).Take(take + 1).Select(r => View(r, now)).ToList();
        return (page, matching.Count);
    }
}
