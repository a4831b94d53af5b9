using Ohm.Csms.Blocks;

namespace Ohm.Csms.Console.Components.Capabilities;

/// <summary>The checks of the reserve-now form (the limits the API enforces) and how a page says what the Reservation block gave.</summary>
public static class ReservationForm
{
    /// <summary>A station id is given.</summary>
    public static string? CheckStation(string? station) => string.IsNullOrWhiteSpace(station) ? "Name the station." : null;

    /// <summary>An idToken is 1 to 36 characters.</summary>
    public static string? CheckToken(string? token) =>
        string.IsNullOrWhiteSpace(token) ? "The reservation needs an idToken." : token.Trim().Length > 36 ? "At most 36 characters." : null;

    /// <summary>An EVSE id is above 0 (or none: any EVSE).</summary>
    public static string? CheckEvse(int? evse) => evse is <= 0 ? "An EVSE id is above 0; leave it empty for any EVSE." : null;

    /// <summary>The expiry is given and in the future.</summary>
    public static string? CheckExpiry(DateTime? expiry, DateTimeOffset now) =>
        DisplayMessageForm.Utc(expiry) is not { } e ? "The reservation needs an expiry." : e <= now ? "Must be in the future." : null;

    /// <summary>What the block's outcome means for the operator.</summary>
    public static (string Message, bool Failed) Describe(Reservation.Outcome outcome, bool cancel)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            Reservation.OutcomeKind.Done when outcome.Reservation is { } r && (cancel ? r.CancelStatus : r.StationStatus) is var answer => (
                $"Reservation {r.Id}: {(cancel ? "CancelReservation" : "ReserveNow")} {answer ?? "not answered"}.", answer is not "Accepted"),
            _ => (outcome.Detail ?? outcome.Kind.ToString(), true),
        };
    }
}
