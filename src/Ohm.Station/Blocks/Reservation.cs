using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>
/// H: reservations, kept in the store so they survive a restart. ReserveNow (H01) of an EVSE or of any EVSE (with
/// ReservationCtrlr.NonEvseSpecific), CancelReservation (H02), use by the reserving idToken or a token of its
/// groupIdToken (H03, C09; the reservationId goes in the Started TransactionEvent), expiry by the clock and removal when
/// its EVSE becomes Unavailable (H04, ReservationStatusUpdate). A reserved EVSE's connector is Reserved; so are all free
/// EVSEs when the reservations of any EVSE take as many EVSEs as are free. ReservationCtrlr: Enabled, Available,
/// NonEvseSpecific.
/// </summary>
public sealed class Reservation
{
    private const string Component = "ReservationCtrlr";
    private const string Prefix = "reservation:";

    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly Availability _availability;
    private readonly Dictionary<int, StationReservation> _held = [];

    // The reservation an EVSE's authorization was let through by (H03), consumed when its transaction starts.
    private readonly Dictionary<int, int> _granted = [];

    internal Reservation(IStationContext context, IStateGate gate, Availability availability, Transactions transactions, Authorization authorization)
    {
        _context = context;
        _gate = gate;
        _availability = availability;
        availability.Reserved = Reserves;
        availability.Updating = OnUpdating;
        transactions.Reservation = this;
        authorization.Reservation = this;
    }

    private bool Enabled => _context.Model.Flag(Component, "Enabled", false) && _context.Model.Flag(Component, "Available", true);

    /// <summary>The reservations the station holds, by id.</summary>
    public IReadOnlyList<StationReservation> Active()
    {
        lock (_held)
        {
            return [.. _held.Values.OrderBy(r => r.Id)];
        }
    }

    /// <summary>Reads the held reservations from the store (at start).</summary>
    internal void Load()
    {
        lock (_held)
        {
            _held.Clear();
            _granted.Clear();
            foreach (var json in _context.Store.GetRecords(Prefix).Values)
            {
                if (JsonSerializer.Deserialize<StationReservation>(json) is { } r)
                {
                    _held[r.Id] = r;
                }
            }
        }
    }

    // H01 Reservation: disabled: Rejected; the same id replaces; the EVSE's state decides Occupied/Unavailable; any EVSE with NonEvseSpecific.
    internal async ValueTask<ReserveNowResponse> ReserveNow(ReserveNowRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var status = Decide(request);
            _context.Report($"ReserveNow {request.Id} EVSE {request.EvseId?.ToString(CultureInfo.InvariantCulture) ?? "any"} for {request.IdToken.IdToken}: {status}");
            if (status == ReserveNowStatusEnumType.Accepted)
            {
                var reservation = new StationReservation(request.Id, request.EvseId, request.ConnectorType, request.IdToken, request.GroupIdToken, request.ExpiryDateTime);
                lock (_held)
                {
                    _held[request.Id] = reservation;
                }

                _context.Store.SetRecord(Key(request.Id), JsonSerializer.Serialize(reservation));
                UpdateAll();
            }

            return new ReserveNowResponse { Status = status };
        }
        finally
        {
            _gate.Exit();
        }
    }

    private ReserveNowStatusEnumType Decide(ReserveNowRequest request)
    {
        if (!Enabled || request.ExpiryDateTime <= _context.Now)
        {
            return ReserveNowStatusEnumType.Rejected;
        }

        var others = Others(request.Id);
        if (request.EvseId is { } evseId)
        {
            if (!_context.Evses.TryGetValue(evseId, out var evse) || (request.ConnectorType is { } type && !HasType(evse, type)))
            {
                return ReserveNowStatusEnumType.Rejected;
            }

            if (evse.Faulted)
            {
                return ReserveNowStatusEnumType.Faulted;
            }

            if (_availability.StationInoperative || evse.Inoperative)
            {
                return ReserveNowStatusEnumType.Unavailable;
            }

            return !IsFree(evse) || others.Any(r => r.EvseId == evseId) ? ReserveNowStatusEnumType.Occupied : ReserveNowStatusEnumType.Accepted;
        }

        // H01: a reservation of no EVSE only with ReservationCtrlr.NonEvseSpecific.
        if (!_context.Model.Flag(Component, "NonEvseSpecific", false))
        {
            return ReserveNowStatusEnumType.Rejected;
        }

        var candidates = _context.Evses.Values.Where(e => request.ConnectorType is not { } t || HasType(e, t)).ToList();
        if (candidates.Count == 0)
        {
            return ReserveNowStatusEnumType.Rejected;
        }

        if (candidates.All(e => e.Faulted))
        {
            return ReserveNowStatusEnumType.Faulted;
        }

        if (_availability.StationInoperative || candidates.All(e => e.Inoperative || e.Faulted))
        {
            return ReserveNowStatusEnumType.Unavailable;
        }

        // Each reservation of any EVSE needs its own free EVSE, one not reserved by id.
        var free = candidates.Count(e => IsFree(e) && !others.Any(r => r.EvseId == e.Id));
        var anyEvse = others.Count(r => r.EvseId is null);
        return free > anyEvse ? ReserveNowStatusEnumType.Accepted : ReserveNowStatusEnumType.Occupied;
    }

    // H02 Cancel Reservation: a held one is Accepted (its EVSE Available again), an unknown one Rejected.
    internal async ValueTask<CancelReservationResponse> CancelReservation(CancelReservationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var removed = Remove(request.ReservationId);
            _context.Report($"CancelReservation {request.ReservationId}: {(removed ? "Accepted" : "Rejected")}");
            if (removed)
            {
                UpdateAll();
            }

            return new CancelReservationResponse { Status = removed ? CancelReservationStatusEnumType.Accepted : CancelReservationStatusEnumType.Rejected };
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// H03, C09: whether <paramref name="token"/> (of group <paramref name="group"/>, as its authorization told) may use
    /// the EVSE: on an EVSE reserved by id only the reserving idToken or a token of the reservation's groupIdToken; on an
    /// EVSE not reserved by id, a token that holds no reservation of any EVSE only while enough other free EVSEs remain
    /// for those reservations. A reservation it was let through by is consumed when the EVSE's transaction starts.
    /// Call under the gate.
    /// </summary>
    internal bool MayUse(Evse evse, IdTokenType token, IdTokenType? group)
    {
        ArgumentNullException.ThrowIfNull(evse);
        ArgumentNullException.ThrowIfNull(token);
        var held = Others(null);
        if (held.FirstOrDefault(r => r.EvseId == evse.Id) is { } own)
        {
            return Grant(evse, own, Matches(own, token, group));
        }

        var anyEvse = held.Where(r => r.EvseId is null).ToList();
        if (anyEvse.Count == 0)
        {
            return true;
        }

        if (anyEvse.FirstOrDefault(r => Matches(r, token, group)) is { } mine)
        {
            return Grant(evse, mine, true);
        }

        var otherFree = _context.Evses.Values.Count(e => e.Id != evse.Id && IsFree(e) && !held.Any(r => r.EvseId == e.Id));
        var allowed = otherFree >= anyEvse.Count;
        if (!allowed)
        {
            _context.Report($"idToken {token.IdToken} at EVSE {evse.Id} refused: the free EVSEs are reserved");
        }

        return allowed;
    }

    /// <summary>H03: the presented token at an EVSE, under the gate (see <see cref="MayUse"/>).</summary>
    internal async Task<bool> MayUseAsync(int evseId, IdTokenType token, IdTokenType? group)
    {
        if (!_context.Evses.TryGetValue(evseId, out var evse))
        {
            return true;
        }

        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            return MayUse(evse, token, group);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private bool Grant(Evse evse, StationReservation reservation, bool matches)
    {
        if (matches)
        {
            _granted[evse.Id] = reservation.Id;
        }
        else
        {
            _context.Report($"EVSE {evse.Id} is reserved ({reservation.Id}) for another idToken");
        }

        return matches;
    }

    /// <summary>
    /// H03: a transaction starts on the EVSE: the reservation its authorization was let through by (or the one its
    /// authorized idToken holds there) ends, and its id goes in the Started event. Call under the gate.
    /// </summary>
    internal int? Consume(Evse evse)
    {
        ArgumentNullException.ThrowIfNull(evse);
        var held = Others(null);
        StationReservation? used = null;
        if (_granted.Remove(evse.Id, out var granted))
        {
            used = held.FirstOrDefault(r => r.Id == granted);
        }

        if (used is null && evse.AuthorizedToken is { } token)
        {
            used = held.FirstOrDefault(r => r.EvseId == evse.Id && Matches(r, token, null))
                ?? held.FirstOrDefault(r => r.EvseId is null && Matches(r, token, null));
        }

        if (used is null || !Remove(used.Id))
        {
            return null;
        }

        _context.Report($"reservation {used.Id} used on EVSE {evse.Id}");
        UpdateAll();
        return used.Id;
    }

    /// <summary>H04: every reservation whose expiry passed ends: ReservationStatusUpdate Expired, its EVSE Available. Call under the gate.</summary>
    internal void Tick(DateTimeOffset now)
    {
        var expired = Others(null).Where(r => r.ExpiryDateTime <= now).ToList();
        foreach (var r in expired)
        {
            End(r, ReservationUpdateStatusEnumType.Expired);
        }

        if (expired.Count > 0)
        {
            UpdateAll();
        }
    }

    // H01, H04: an EVSE made Unavailable (or the whole station Inoperative) loses its reservation: ReservationStatusUpdate Removed.
    private void OnUpdating(Evse evse)
    {
        foreach (var r in Others(null).Where(r => (r.EvseId == evse.Id && evse.Inoperative) || _availability.StationInoperative))
        {
            End(r, ReservationUpdateStatusEnumType.Removed);
        }
    }

    private void End(StationReservation reservation, ReservationUpdateStatusEnumType why)
    {
        if (!Remove(reservation.Id))
        {
            return;
        }

        _context.Report($"reservation {reservation.Id} {why}");
        _context.Enqueue(new ReservationStatusUpdateRequest { ReservationId = reservation.Id, ReservationUpdateStatus = why });
    }

    /// <summary>Whether the EVSE's connector shows Reserved: reserved by id, or free while the reservations of any EVSE take every free EVSE.</summary>
    private bool Reserves(Evse evse)
    {
        var held = Others(null);
        if (held.Count == 0 || !IsFree(evse))
        {
            return false;
        }

        if (held.Any(r => r.EvseId == evse.Id))
        {
            return true;
        }

        var anyEvse = held.Count(r => r.EvseId is null);
        return anyEvse > 0 && anyEvse >= _context.Evses.Values.Count(e => IsFree(e) && !held.Any(r => r.EvseId == e.Id));
    }

    private bool IsFree(Evse evse) =>
        !evse.Inoperative && !evse.Faulted && !_availability.StationInoperative && evse.Transaction is null && !evse.Plugged && evse.AuthorizedToken is null;

    private bool HasType(Evse evse, ConnectorEnumType type) =>
        _context.Model.Find(new ComponentKey("Connector", null, evse.Id, evse.ConnectorId), "ConnectorType")?.Attributes.GetValueOrDefault(AttributeEnumType.Actual)?.Value is not { } value
        || value == type.ToWire();

    private static bool Matches(StationReservation reservation, IdTokenType token, IdTokenType? group) =>
        reservation.IdToken.IdToken == token.IdToken
        || (reservation.GroupIdToken is { } g && group is not null && g.IdToken == group.IdToken);

    private List<StationReservation> Others(int? except)
    {
        lock (_held)
        {
            return [.. _held.Values.Where(r => r.Id != except)];
        }
    }

    private bool Remove(int id)
    {
        bool removed;
        lock (_held)
        {
            removed = _held.Remove(id);
        }

        if (removed)
        {
            _context.Store.DeleteRecord(Key(id));
        }

        return removed;
    }

    private void UpdateAll()
    {
        foreach (var evse in _context.Evses.Values)
        {
            _availability.Update(evse);
        }
    }

    private static string Key(int id) => Prefix + id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A reservation the station holds: where (an EVSE, or any EVSE, of a connector type), for whom, until when.</summary>
public sealed record StationReservation(int Id, int? EvseId, ConnectorEnumType? ConnectorType, IdTokenType IdToken, IdTokenType? GroupIdToken, DateTimeOffset ExpiryDateTime);
