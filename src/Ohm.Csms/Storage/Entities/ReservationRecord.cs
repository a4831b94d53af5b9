namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A reservation the CSMS made at a station (block H): its CSMS-assigned id, where (an EVSE, or any EVSE of the station,
/// optionally of a connector type), for whom (the idToken and optionally a groupIdToken), until when, and how it stands.
/// </summary>
public sealed class ReservationRecord
{
    /// <summary>The reservation id sent in ReserveNow: assigned by the CSMS, unique across stations.</summary>
    public int Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The reserved EVSE; null for a reservation of any EVSE of the station.</summary>
    public int? EvseId { get; set; }

    /// <summary>The connector type asked for (wire spelling, e.g. cType2), if any.</summary>
    public string? ConnectorType { get; set; }

    public required string IdToken { get; set; }

    /// <summary>The idToken's type in its wire spelling.</summary>
    public required string IdTokenType { get; set; }

    /// <summary>The groupIdToken whose tokens may use the reservation too (C09), if any.</summary>
    public string? GroupIdToken { get; set; }

    /// <summary>The groupIdToken's type in its wire spelling.</summary>
    public string? GroupIdTokenType { get; set; }

    public DateTimeOffset ExpiryDateTime { get; set; }

    /// <summary>Requested, Accepted, Rejected, Cancelled, Expired, Removed or Used.</summary>
    public ReservationState State { get; set; } = ReservationState.Requested;

    /// <summary>The station's ReserveNow status (Accepted, Faulted, Occupied, Rejected, Unavailable), once it answered.</summary>
    public string? StationStatus { get; set; }

    /// <summary>The station's CancelReservation status (Accepted, Rejected), once asked and answered.</summary>
    public string? CancelStatus { get; set; }

    /// <summary>The transaction (station-made id) that used the reservation.</summary>
    public string? TransactionId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>How a reservation stands.</summary>
public enum ReservationState
{
    /// <summary>ReserveNow is being sent; the station has not answered (or did not answer).</summary>
    Requested,

    /// <summary>The station accepted it; it holds until its expiry, a cancel, a removal or its use.</summary>
    Accepted,

    /// <summary>The station refused it (Faulted, Occupied, Rejected or Unavailable, in <see cref="ReservationRecord.StationStatus"/>).</summary>
    Rejected,

    /// <summary>Cancelled with CancelReservation, which the station accepted.</summary>
    Cancelled,

    /// <summary>The station reported it expired, or its expiry passed by the CSMS's clock.</summary>
    Expired,

    /// <summary>The station reported it removed (its EVSE became unavailable or faulted).</summary>
    Removed,

    /// <summary>A transaction started with its reservationId.</summary>
    Used,
}
