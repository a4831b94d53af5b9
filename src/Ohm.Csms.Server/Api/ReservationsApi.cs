using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;
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
        Reservation.OutcomeKind.Done => TypedResults.Ok(ReservationQueries.View(outcome.Reservation!, time.GetUtcNow())),
        Reservation.OutcomeKind.NotFound => ApiResults.NotFound(outcome.Detail!),
        Reservation.OutcomeKind.Conflict => ApiResults.Conflict("Reservation refused", outcome.Detail!),
        _ => ApiResults.Invalid("expiryDateTime", outcome.Detail!),
    };

    private static async Task<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        int reservationId, CancelBody? body, Reservation reservations, ReservationQueries queries, ApiOptions options, CsmsDatabase database, TimeProvider time, CancellationToken ct)
    {
        if (await queries.StationOfAsync(reservationId, ct).ConfigureAwait(false) is not { } stationId)
        {
            return ApiResults.NotFound($"Reservation {reservationId} does not exist.");
        }

        return await ApiResults.CallAsync<Results<Ok<ReservationView>, ValidationProblem, ProblemHttpResult>>(
            stationId, options, database, async t => Result(await reservations.CancelAsync(reservationId, t).ConfigureAwait(false), time), p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<ReservationView>, ProblemHttpResult>> GetAsync(int reservationId, ReservationQueries queries, CancellationToken ct) =>
        await queries.GetAsync(reservationId, ct).ConfigureAwait(false) is { } r ? TypedResults.Ok(r) : ApiResults.NotFound($"Reservation {reservationId} does not exist.");

    private static async Task<Results<Ok<Page<ReservationView>>, ValidationProblem>> ListAsync(
        [Description("a station id; leave it out for all")] string? stationId,
        [Description("Requested, Accepted, Rejected, Cancelled, Expired, Removed or Used (as it reads now); leave it out for all")] string? state,
        [Description("an idToken; leave it out for all")] string? idToken,
        [Description(Paging.CursorHelp)] string? cursor,
        [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit,
        ReservationQueries queries,
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

        var (rows, total) = await queries.ListAsync(stationId, wanted, idToken, after, 0, take, ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, r => r, r => Paging.Key(r.Id)));
    }
}
