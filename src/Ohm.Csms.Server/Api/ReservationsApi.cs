using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// Block H, reservations: reserve an EVSE (or any EVSE) of a station for an idToken (and its group) until an expiry
/// (ReserveNow), list and read reservations with how they stand, cancel one (CancelReservation).
/// </summary>
internal static class ReservationsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var reserve = api.MapPost("/stations/{stationId}/reservations", ReserveAsync).WithTags("Reservations").WithName("reserveNow")
            .WithSummary("Reserve an EVSE, or any EVSE, of the station for an idToken until an expiry (ReserveNow)")
            .WithDescription("409 when it would overlap an active reservation: of the same EVSE, or (any EVSE) as many active reservations as the station has EVSEs known to the CSMS. The station's answer is stored and returned.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            reserve.ProducesProblem(status);
        }

        api.MapGet("/reservations", ListAsync).WithTags("Reservations").WithName("listReservations")
            .WithSummary("Reservations, newest last, by station, state and idToken");
        api.MapGet("/reservations/{reservationId:int}", GetAsync).WithTags("Reservations").WithName("getReservation")
            .WithSummary("One reservation and how it stands").ProducesProblem(StatusCodes.Status404NotFound);
        var cancel = api.MapPost("/reservations/{reservationId:int}/cancel", CancelAsync).WithTags("Reservations").WithName("cancelReservation")
            .WithSummary("Cancel an active reservation (CancelReservation); the station's answer is stored")
            .ProducesProblem(StatusCodes.Status409Conflict);
        foreach (var status in ApiResults.CallProblems)
        {
            cancel.ProducesProblem(status);
        }
    }

    /// <summary>An idToken with its type, spelled as in OCPP (ISO14443, eMAID, Central, ...).</summary>
    internal sealed record ReservationTokenView
    {
        public required string IdToken { get; init; }

        public required IdTokenEnumType Type { get; init; }
    }

    /// <summary>
    /// A reservation to make: <c>evseId</c> (leave it out for any EVSE of the station), <c>connectorType</c> (optional),
    /// <c>idToken</c>, <c>groupIdToken</c> (optional: its tokens may use it too) and <c>expiryDateTime</c> (in the future).
    /// </summary>
    internal sealed record ReserveBody
    {
        public int? EvseId { get; init; }

        public ConnectorEnumType? ConnectorType { get; init; }

        public ReservationTokenView? IdToken { get; init; }

        public ReservationTokenView? GroupIdToken { get; init; }

        public DateTimeOffset? ExpiryDateTime { get; init; }
    }

    /// <summary>Cancelling takes no options: send <c>{}</c> or no body.</summary>
    internal sealed record CancelBody;

    /// <summary>
    /// A reservation: <c>state</c> Requested, Accepted, Rejected, Cancelled, Expired, Removed or Used (an Accepted one past
    /// its expiry reads Expired); <c>stationStatus</c> the station's ReserveNow answer; <c>cancelStatus</c> its
    /// CancelReservation answer; <c>transactionId</c> the transaction that used it.
    /// </summary>
    internal sealed record ReservationView(
        int Id, string StationId, int? EvseId, string? ConnectorType, ReservationTokenView IdToken, ReservationTokenView? GroupIdToken,
        DateTimeOffset ExpiryDateTime, string State, string? StationStatus, string? CancelStatus, string? TransactionId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    private static ReservationView View(ReservationRecord r, DateTimeOffset now) => new(
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

    private static ValidationProblem? CheckToken(ReservationTokenView? token, string field, bool required)
    {
        if (token is null)
        {
            return required ? ApiResults.Invalid(field, "is required") : null;
        }

        if (string.IsNullOrEmpty(token.IdToken) || token.IdToken.Length > 36)
        {
            return ApiResults.Invalid(field + ".idToken", "is 1 to 36 characters long");
        }

        return Enum.IsDefined(token.Type) ? null : ApiResults.Invalid(field + ".type", "is one of " + string.Join(", ", Enum.GetValues<IdTokenEnumType>().Select(v => v.ToWire())));
    }

    private static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> ReserveAsync(
        string stationId, ReserveBody body, Reservation reservations, ApiOptions options, CsmsDatabase database, TimeProvider time, CancellationToken ct)
    {
        if (CheckToken(body.IdToken, "idToken", required: true) is { } badToken)
        {
            return badToken;
        }

        if (CheckToken(body.GroupIdToken, "groupIdToken", required: false) is { } badGroup)
        {
            return badGroup;
        }

        if (body.EvseId is <= 0)
        {
            return ApiResults.Invalid("evseId", "is an EVSE id greater than 0; leave it out for any EVSE");
        }

        if (body.ConnectorType is { } type && !Enum.IsDefined(type))
        {
            return ApiResults.Invalid("connectorType", "is one of " + string.Join(", ", Enum.GetValues<ConnectorEnumType>().Select(v => v.ToWire())));
        }

        if (body.ExpiryDateTime is not { } expiry)
        {
            return ApiResults.Invalid("expiryDateTime", "is required");
        }

        if (expiry <= time.GetUtcNow())
        {
            return ApiResults.Invalid("expiryDateTime", "must be in the future");
        }

        var request = new Reservation.Request(
            body.EvseId,
            body.ConnectorType,
            new IdTokenType { IdToken = body.IdToken!.IdToken, Type = body.IdToken.Type },
            body.GroupIdToken is { } g ? new IdTokenType { IdToken = g.IdToken, Type = g.Type } : null,
            expiry);
        return await ApiResults.CallAsync<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => Result(await reservations.ReserveAsync(stationId, request, t).ConfigureAwait(false), time), p => p, ct).ConfigureAwait(false);
    }

    private static Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult> Result(Reservation.Outcome outcome, TimeProvider time) => outcome.Kind switch
    {
        Reservation.OutcomeKind.Done => TypedResults.Ok(View(outcome.Reservation!, time.GetUtcNow())),
        Reservation.OutcomeKind.NotFound => ApiResults.NotFound(outcome.Detail!),
        Reservation.OutcomeKind.Conflict => ApiResults.Conflict("Reservation refused", outcome.Detail!),
        _ => ApiResults.Invalid("expiryDateTime", outcome.Detail!),
    };

    private static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        int reservationId, CancelBody? body, Reservation reservations, ApiOptions options, CsmsDatabase database, TimeProvider time, CancellationToken ct)
    {
        string? stationId;
        await using (var db = database.CreateContext())
        {
            stationId = await db.Reservations.AsNoTracking().Where(r => r.Id == reservationId).Select(r => r.StationId).FirstOrDefaultAsync(ct).ConfigureAwait(false);
        }

        if (stationId is null)
        {
            return ApiResults.NotFound($"Reservation {reservationId} does not exist.");
        }

        return await ApiResults.CallAsync<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => Result(await reservations.CancelAsync(reservationId, t).ConfigureAwait(false), time), p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> GetAsync(int reservationId, CsmsDatabase database, TimeProvider time, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var r = await db.Reservations.AsNoTracking().FirstOrDefaultAsync(x => x.Id == reservationId, ct).ConfigureAwait(false);
        return r is null ? ApiResults.NotFound($"Reservation {reservationId} does not exist.") : TypedResults.Ok(View(r, time.GetUtcNow()));
    }

    private static async Task<Results<Ok<Page<ReservationView>>, ValidationProblem>> ListAsync(
        [Description("a station id; leave it out for all")] string? stationId,
        [Description("Requested, Accepted, Rejected, Cancelled, Expired, Removed or Used (as it reads now); leave it out for all")] string? state,
        [Description("an idToken; leave it out for all")] string? idToken,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        CsmsDatabase database,
        TimeProvider time,
        CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var after, out bad))
        {
            return bad!;
        }

        ReservationState? wanted = null;
        if (state is not null)
        {
            if (!Enum.TryParse<ReservationState>(state, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(state, out _))
            {
                return ApiResults.Invalid("state", "must be one of " + string.Join(", ", Enum.GetNames<ReservationState>()));
            }

            wanted = parsed;
        }

        var now = time.GetUtcNow();
        await using var db = database.CreateContext();
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
        var rows = await query.OrderBy(r => r.Id).ToListAsync(ct).ConfigureAwait(false);
        var matching = rows.Where(r => wanted is null || Reservation.EffectiveState(r, now) == wanted).ToList();
        var page = matching.Where(r => after is null || r.Id > after).Take(take + 1).ToList();
        return TypedResults.Ok(Paging.Of(page, take, matching.Count, r => View(r, now), r => Paging.Key(r.Id)));
    }
}
