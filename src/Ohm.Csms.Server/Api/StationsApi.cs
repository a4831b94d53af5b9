using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Server.Api;

/// <summary>The station registry, live state, connection history, EVSE status and stored device model.</summary>
internal static class StationsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var stations = api.MapGroup("/stations").WithTags("Stations");
        stations.MapGet("/", ListAsync).WithName("listStations")
            .WithSummary("Registered stations, in natural order of their identity (CS2 before CS10), with their online state and last seen time");
        stations.MapGet("/{stationId}", GetAsync).WithName("getStation").WithSummary("One station").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapPut("/{stationId}", PutAsync).WithName("putStation")
            .WithSummary("Register a station or change its registration")
            .WithDescription("201 when the station is new, 200 when it changes. Disabling it, or changing its password or security profile, closes its live connection.")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        stations.MapDelete("/{stationId}", DeleteAsync).WithName("deleteStation")
            .WithSummary("Remove a station from the registry; its live connection is closed").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapGet("/{stationId}/connections", ConnectionsAsync).WithName("listStationConnections")
            .WithSummary("Connection history, newest first").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapGet("/{stationId}/evses", EvsesAsync).WithName("getStationEvses")
            .WithSummary("Current status of each EVSE and connector, by EVSE id").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapGet("/{stationId}/status-history", StatusHistoryAsync).WithName("listStationStatusHistory")
            .WithSummary("Connector status history, newest first").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapGet("/{stationId}/device-model", DeviceModelAsync).WithName("getStationDeviceModel")
            .WithSummary("The stored device model: components, variables, attributes, characteristics").ProducesProblem(StatusCodes.Status404NotFound);
        stations.MapGet("/{stationId}/reports", ReportsAsync).WithName("listStationReports")
            .WithSummary("Device-model reports, newest first, and how many parts arrived").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>A registration or a change of one; what is left out (or null) stays as it is (a new station: enabled, profile 1, Accepted).</summary>
    internal sealed record StationRegistration
    {
        public bool? Enabled { get; init; }

        /// <summary>0 (no password, development only), 1, 2 or 3.</summary>
        public int? SecurityProfile { get; init; }

        /// <summary>The Basic-auth password of profiles 1 and 2, 16 to 40 characters; stored as a salted hash.</summary>
        public string? Password { get; init; }

        /// <summary>How the station's BootNotification is answered.</summary>
        public RegistrationStatusEnumType? BootPolicy { get; init; }
    }

    /// <summary>The page after the cursor's id, in natural order (<see cref="StationQueries.ListAsync"/>). The cursor is the last id of the page.</summary>
    private static async Task<Results<Ok<Page<StationView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, StationQueries queries, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var badLimit))
        {
            return badLimit!;
        }

        if (!Paging.TryKey(cursor, out var after, out var badCursor))
        {
            return badCursor!;
        }

        return TypedResults.Ok(ToPage(await queries.ListAsync(after, take, ct).ConfigureAwait(false)));
    }

    private static async Task<Results<Ok<StationView>, ProblemHttpResult>> GetAsync(string stationId, StationQueries queries, CancellationToken ct) =>
        await queries.GetAsync(stationId, ct).ConfigureAwait(false) is { } station ? TypedResults.Ok(station) : ApiResults.StationNotFound(stationId);

    private static async Task<Results<Created<StationView>, Ok<StationView>, ValidationProblem>> PutAsync(string stationId, StationRegistration body, CsmsWriter writer, StationQueries queries, IStationCallRouter router, TimeProvider time, CancellationToken ct)
    {
        if (!StationIdentity.IsValid(stationId, out var reason))
        {
            return ApiResults.Invalid("stationId", reason);
        }

        if (body.SecurityProfile is < 0 or > 3)
        {
            return ApiResults.Invalid("securityProfile", "must be 0 (no password, development only), 1, 2 or 3");
        }

        if (body.Password is { Length: < 16 or > 40 })
        {
            return ApiResults.Invalid("password", "must be 16 to 40 characters long (OCPP BasicAuthPassword)");
        }

        if (body.BootPolicy is { } policy && !Enum.IsDefined(policy))
        {
            return ApiResults.Invalid("bootPolicy", "must be one of Accepted, Pending, Rejected");
        }

        string? revoked = null;
        var (station, created, error) = await writer.ExecuteAsync(async db =>
        {
            var existing = await db.Stations.FindAsync([stationId]).ConfigureAwait(false);
            var isNew = existing is null;
            var record = existing ?? new StationRecord { Id = stationId, CreatedAt = time.GetUtcNow() };
            revoked = isNew ? null
                : existing!.Enabled && body.Enabled == false ? "The station was disabled."
                : body.Password is not null ? "The station's password was changed."
                : body.SecurityProfile is { } profile && profile != existing.SecurityProfile ? "The station's security profile was changed."
                : null;
            record.Enabled = body.Enabled ?? record.Enabled;
            record.SecurityProfile = body.SecurityProfile ?? (isNew ? 1 : record.SecurityProfile);
            record.BootPolicy = body.BootPolicy ?? record.BootPolicy;
            record.AutoRegistered = false;
            if (body.Password is not null)
            {
                record.PasswordHash = PasswordHasher.Hash(body.Password);
                record.PreviousPasswordHash = null; // A01: a password an operator sets replaces both
            }

            if (record.SecurityProfile is 1 or 2 && record.PasswordHash is null)
            {
                return (record, isNew, "a password is required for security profiles 1 and 2");
            }

            if (isNew)
            {
                db.Stations.Add(record);
            }

            return (record, isNew, (string?)null);
        }, ct).ConfigureAwait(false);
        if (error is not null)
        {
            return ApiResults.Invalid("password", error);
        }

        // What the live connection was admitted with no longer holds: it must connect again with the new registration.
        if (revoked is not null)
        {
            await router.DisconnectAsync(stationId, revoked, ct).ConfigureAwait(false);
        }

        var view = await queries.ViewAsync(station, ct).ConfigureAwait(false);
        return created ? TypedResults.Created($"/api/stations/{Uri.EscapeDataString(stationId)}", view) : TypedResults.Ok(view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string stationId, CsmsWriter writer, IStationCallRouter router, CancellationToken ct)
    {
        var removed = await writer.ExecuteAsync(async db =>
        {
            var station = await db.Stations.FindAsync([stationId]).ConfigureAwait(false);
            if (station is not null)
            {
                db.Stations.Remove(station);
            }

            return station is not null;
        }, ct).ConfigureAwait(false);
        if (removed)
        {
            await router.DisconnectAsync(stationId, "The station was removed from the registry.", ct).ConfigureAwait(false);
        }

        return removed ? TypedResults.NoContent() : ApiResults.StationNotFound(stationId);
    }

    private static Task<Results<Ok<Page<ConnectionView>>, ValidationProblem, ProblemHttpResult>> ConnectionsAsync(
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, StationQueries queries, CancellationToken ct) =>
        NewestFirstAsync(stationId, cursor, limit, (before, take) => queries.ConnectionsAsync(stationId, before, take, ct));

    private static async Task<Results<Ok<List<EvseView>>, ProblemHttpResult>> EvsesAsync(string stationId, StationQueries queries, CancellationToken ct) =>
        await queries.EvsesAsync(stationId, ct).ConfigureAwait(false) is { } evses ? TypedResults.Ok(evses) : ApiResults.StationNotFound(stationId);

    private static Task<Results<Ok<Page<StatusChangeView>>, ValidationProblem, ProblemHttpResult>> StatusHistoryAsync(
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, StationQueries queries, CancellationToken ct) =>
        NewestFirstAsync(stationId, cursor, limit, (before, take) => queries.StatusHistoryAsync(stationId, before, take, ct));

    private static async Task<Results<Ok<DeviceModelView>, ProblemHttpResult>> DeviceModelAsync(string stationId, StationQueries queries, CancellationToken ct) =>
        await queries.DeviceModelAsync(stationId, ct).ConfigureAwait(false) is { } model ? TypedResults.Ok(model) : ApiResults.StationNotFound(stationId);

    private static Task<Results<Ok<Page<ReportView>>, ValidationProblem, ProblemHttpResult>> ReportsAsync(
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, StationQueries queries, CancellationToken ct) =>
        NewestFirstAsync(stationId, cursor, limit, (before, take) => queries.ReportsAsync(stationId, before, take, ct));

    /// <summary>A newest-first list of one station: 400 naming a bad cursor or limit, 404 for an unknown station.</summary>
    private static async Task<Results<Ok<Page<T>>, ValidationProblem, ProblemHttpResult>> NewestFirstAsync<T>(
        string stationId, string? cursor, int? limit, Func<long?, int, Task<KeyedPage<T>?>> read)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        return await read(before, take).ConfigureAwait(false) is { } page ? TypedResults.Ok(ToPage(page)) : ApiResults.StationNotFound(stationId);
    }

    private static Page<T> ToPage<T>(KeyedPage<T> page) => new(page.Items, page.Total, page.NextKey is null ? null : Paging.Cursor(page.NextKey));
}
