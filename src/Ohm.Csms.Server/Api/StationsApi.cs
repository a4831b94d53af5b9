using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
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

    internal sealed record StationView(
        string Id, bool Enabled, int SecurityProfile, RegistrationStatusEnumType BootPolicy, string? RegistrationStatus, bool Online, DateTimeOffset? LastSeenAt,
        string? VendorName, string? Model, string? SerialNumber, string? FirmwareVersion, string? ModemIccid, string? ModemImsi,
        string? LastBootReason, DateTimeOffset? LastBootAt, bool AutoRegistered, DateTimeOffset CreatedAt);

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

    internal sealed record ConnectionView(DateTimeOffset ConnectedAt, DateTimeOffset? DisconnectedAt, string? RemoteAddress, int SecurityProfile);

    internal sealed record EvseView(int EvseId, List<ConnectorView> Connectors);

    internal sealed record ConnectorView(int ConnectorId, string Status, DateTimeOffset Since);

    internal sealed record StatusChangeView(int EvseId, int ConnectorId, string Status, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt);

    internal sealed record ReportView(int RequestId, int PartsReceived, int LastSeqNo, int VariablesReported, bool Complete, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

    internal sealed record DeviceModelView(string StationId, int VariableCount, List<ComponentView> Components);

    internal sealed record ComponentView(string Name, string? Instance, int? EvseId, int? ConnectorId, List<VariableView> Variables);

    internal sealed record VariableView(string Name, string? Instance, List<AttributeView> Attributes, CharacteristicsView? Characteristics);

    internal sealed record AttributeView(string Type, string? Value, string? Mutability, bool? Persistent, bool? Constant);

    internal sealed record CharacteristicsView(string DataType, string? Unit, decimal? MinLimit, decimal? MaxLimit, string? ValuesList, bool? SupportsMonitoring);

    private static StationView View(StationRecord s, StationSessions sessions)
    {
        var session = sessions.Find(s.Id);
        return new StationView(
            s.Id, s.Enabled, s.SecurityProfile, s.BootPolicy, session?.RegistrationStatus ?? s.RegistrationStatus?.ToWire(), session is not null,
            session?.LastSeenAt ?? s.LastSeenAt, s.VendorName, s.Model, s.SerialNumber, s.FirmwareVersion, s.ModemIccid, s.ModemImsi,
            s.LastBootReason, s.LastBootAt, s.AutoRegistered, s.CreatedAt);
    }

    /// <summary>
    /// The page is found in memory over the station ids only (one short string per registered station, read with one
    /// projected query): natural order has no portable SQL form on SQLite and PostgreSQL without a stored sort key.
    /// Only the page's rows are read in full. The cursor is the last id of the page.
    /// </summary>
    private static async Task<Results<Ok<Page<StationView>>, ValidationProblem>> ListAsync(
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, StationSessions sessions, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var badLimit))
        {
            return badLimit!;
        }

        if (!Paging.TryKey(cursor, out var after, out var badCursor))
        {
            return badCursor!;
        }

        await using var db = database.CreateContext();
        var ids = await db.Stations.AsNoTracking().Select(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
        ids.Sort(NaturalOrder.Instance);
        var pageIds = (after is null ? ids : ids.Where(id => NaturalOrder.Instance.Compare(id, after) > 0)).Take(take + 1).ToList();
        var wanted = pageIds.Take(take).ToList();
        var rows = await db.Stations.AsNoTracking().Where(s => wanted.Contains(s.Id)).ToListAsync(ct).ConfigureAwait(false);
        var items = rows.OrderBy(s => s.Id, NaturalOrder.Instance).Select(s => View(s, sessions)).ToList();
        return TypedResults.Ok(new Page<StationView>(items, ids.Count, pageIds.Count > take ? Paging.Cursor(wanted[^1]) : null));
    }

    private static async Task<Results<Ok<StationView>, ProblemHttpResult>> GetAsync(string stationId, CsmsDatabase database, StationSessions sessions, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId, ct).ConfigureAwait(false);
        return station is null ? ApiResults.StationNotFound(stationId) : TypedResults.Ok(View(station, sessions));
    }

    private static async Task<Results<Created<StationView>, Ok<StationView>, ValidationProblem>> PutAsync(string stationId, StationRegistration body, CsmsWriter writer, StationSessions sessions, IStationCallRouter router, TimeProvider time, CancellationToken ct)
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

        var view = View(station, sessions);
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
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct) =>
        StationPages.ReadAsync(database, stationId, cursor, limit, db => db.Connections.Where(c => c.StationId == stationId), c => c.Id,
            (_, rows, _) => Task.FromResult<List<ConnectionView>>([.. rows.Select(c => new ConnectionView(c.ConnectedAt, c.DisconnectedAt, c.RemoteAddress, c.SecurityProfile))]), ct);

    private static async Task<Results<Ok<List<EvseView>>, ProblemHttpResult>> EvsesAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var rows = await db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId && s.Current).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(rows.GroupBy(r => r.EvseId).OrderBy(g => g.Key)
            .Select(g => new EvseView(g.Key, g.OrderBy(c => c.ConnectorId).Select(c => new ConnectorView(c.ConnectorId, c.Status, c.Timestamp)).ToList()))
            .ToList());
    }

    private static async Task<Results<Ok<Page<StatusChangeView>>, ValidationProblem, ProblemHttpResult>> StatusHistoryAsync(
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var badLimit) || !Paging.TryIdKey(cursor, out var before, out badLimit))
        {
            return badLimit!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId && !s.Current);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(s => s.Id < b);
        }

        var rows = await query.OrderByDescending(s => s.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, s => new StatusChangeView(s.EvseId, s.ConnectorId, s.Status, s.Timestamp, s.ReceivedAt), s => Paging.Key(s.Id)));
    }

    private static async Task<Results<Ok<DeviceModelView>, ProblemHttpResult>> DeviceModelAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var variables = await db.DeviceVariables.AsNoTracking().Include(v => v.Attributes).Where(v => v.StationId == stationId).ToListAsync(ct).ConfigureAwait(false);
        var components = variables
            .GroupBy(v => (v.ComponentName, v.ComponentInstance, v.EvseId, v.ConnectorId))
            .OrderBy(g => g.Key.ComponentName, StringComparer.Ordinal).ThenBy(g => g.Key.EvseId).ThenBy(g => g.Key.ConnectorId).ThenBy(g => g.Key.ComponentInstance, StringComparer.Ordinal)
            .Select(g => new ComponentView(
                g.Key.ComponentName,
                g.Key.ComponentInstance.Length == 0 ? null : g.Key.ComponentInstance,
                g.Key.EvseId == 0 ? null : g.Key.EvseId,
                g.Key.ConnectorId == 0 ? null : g.Key.ConnectorId,
                g.OrderBy(v => v.VariableName, StringComparer.Ordinal).ThenBy(v => v.VariableInstance, StringComparer.Ordinal).Select(v => new VariableView(
                    v.VariableName,
                    v.VariableInstance.Length == 0 ? null : v.VariableInstance,
                    v.Attributes.OrderBy(a => a.Type, StringComparer.Ordinal).Select(a => new AttributeView(a.Type, a.Value, a.Mutability, a.Persistent, a.Constant)).ToList(),
                    v.DataType is null ? null : new CharacteristicsView(v.DataType, v.Unit, v.MinLimit, v.MaxLimit, v.ValuesList, v.SupportsMonitoring))).ToList()))
            .ToList();
        return TypedResults.Ok(new DeviceModelView(stationId, variables.Count, components));
    }

    private static async Task<Results<Ok<Page<ReportView>>, ValidationProblem, ProblemHttpResult>> ReportsAsync(
        string stationId, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CsmsDatabase database, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var badLimit) || !Paging.TryIdKey(cursor, out var before, out badLimit))
        {
            return badLimit!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = db.Reports.AsNoTracking().Where(r => r.StationId == stationId);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(r => r.Id < b);
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(
            rows, take, total, r => new ReportView(r.RequestId, r.PartsReceived, r.LastSeqNo, r.VariablesReported, r.Complete, r.StartedAt, r.CompletedAt), r => Paging.Key(r.Id)));
    }
}
