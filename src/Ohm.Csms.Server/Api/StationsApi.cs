using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
    private static readonly string[] BootPolicies = ["Accepted", "Pending", "Rejected"];

    public static void Map(RouteGroupBuilder api)
    {
        var stations = api.MapGroup("/stations").WithTags("Stations");
        stations.MapGet("/", ListAsync).WithSummary("All registered stations with their online state and last seen time");
        stations.MapGet("/{stationId}", GetAsync).WithSummary("One station");
        stations.MapPut("/{stationId}", PutAsync).WithSummary("Register a station or change its registration");
        stations.MapDelete("/{stationId}", DeleteAsync).WithSummary("Remove a station from the registry");
        stations.MapGet("/{stationId}/connections", ConnectionsAsync).WithSummary("Connection history");
        stations.MapGet("/{stationId}/evses", EvsesAsync).WithSummary("Current status of each EVSE and connector");
        stations.MapGet("/{stationId}/status-history", StatusHistoryAsync).WithSummary("Connector status history");
        stations.MapGet("/{stationId}/device-model", DeviceModelAsync).WithSummary("The stored device model: components, variables, attributes, characteristics");
        stations.MapGet("/{stationId}/reports", ReportsAsync).WithSummary("Device-model reports and how many parts arrived");
    }

    internal sealed record StationView(
        string Id, bool Enabled, int SecurityProfile, string BootPolicy, string? RegistrationStatus, bool Online, DateTimeOffset? LastSeenAt,
        string? VendorName, string? Model, string? SerialNumber, string? FirmwareVersion, string? ModemIccid, string? ModemImsi,
        string? LastBootReason, DateTimeOffset? LastBootAt, bool AutoRegistered, DateTimeOffset CreatedAt);

    internal sealed record StationRegistration(bool? Enabled, int? SecurityProfile, string? Password, string? BootPolicy);

    private static StationView View(StationRecord s, StationSessions sessions)
    {
        var session = sessions.Find(s.Id);
        return new StationView(
            s.Id, s.Enabled, s.SecurityProfile, s.BootPolicy.ToWire(), session?.RegistrationStatus ?? s.RegistrationStatus?.ToWire(), session is not null,
            session?.LastSeenAt ?? s.LastSeenAt, s.VendorName, s.Model, s.SerialNumber, s.FirmwareVersion, s.ModemIccid, s.ModemImsi,
            s.LastBootReason, s.LastBootAt, s.AutoRegistered, s.CreatedAt);
    }

    private static async Task<IResult> ListAsync(CsmsDatabase database, StationSessions sessions, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var all = await db.Stations.AsNoTracking().OrderBy(s => s.Id).ToListAsync(ct).ConfigureAwait(false);
        return Results.Ok(all.Select(s => View(s, sessions)));
    }

    private static async Task<IResult> GetAsync(string stationId, CsmsDatabase database, StationSessions sessions, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId, ct).ConfigureAwait(false);
        return station is null ? ApiResults.NotFound($"Station '{stationId}' is not registered.") : Results.Ok(View(station, sessions));
    }

    private static async Task<IResult> PutAsync(string stationId, StationRegistration body, CsmsWriter writer, StationSessions sessions, IStationCallRouter router, TimeProvider time, CancellationToken ct)
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

        if (body.BootPolicy is not null && !BootPolicies.Contains(body.BootPolicy))
        {
            return ApiResults.Invalid("bootPolicy", "must be Accepted, Pending or Rejected");
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
            record.BootPolicy = body.BootPolicy is null ? record.BootPolicy : RegistrationStatusEnumTypeSchema.FromWire(body.BootPolicy);
            record.AutoRegistered = false;
            if (body.Password is not null)
            {
                record.PasswordHash = PasswordHasher.Hash(body.Password);
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
        return created ? Results.Created($"/api/stations/{Uri.EscapeDataString(stationId)}", view) : Results.Ok(view);
    }

    private static async Task<IResult> DeleteAsync(string stationId, CsmsWriter writer, IStationCallRouter router, CancellationToken ct)
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

        return removed ? Results.NoContent() : ApiResults.NotFound($"Station '{stationId}' is not registered.");
    }

    private static async Task<IResult> ConnectionsAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.Connections.AsNoTracking().Where(c => c.StationId == stationId).OrderByDescending(c => c.Id).Take(500).ToListAsync(ct).ConfigureAwait(false);
        return Results.Ok(rows);
    }

    private static async Task<IResult> EvsesAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId && s.Current).ToListAsync(ct).ConfigureAwait(false);
        return Results.Ok(rows.GroupBy(r => r.EvseId).OrderBy(g => g.Key).Select(g => new
        {
            evseId = g.Key,
            connectors = g.OrderBy(c => c.ConnectorId).Select(c => new { connectorId = c.ConnectorId, status = c.Status, since = c.Timestamp }),
        }));
    }

    private static async Task<IResult> StatusHistoryAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId && !s.Current).OrderByDescending(s => s.Id).Take(1000)
            .Select(s => new { s.EvseId, s.ConnectorId, s.Status, s.Timestamp, s.ReceivedAt }).ToListAsync(ct).ConfigureAwait(false);
        return Results.Ok(rows);
    }

    private static async Task<IResult> DeviceModelAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var variables = await db.DeviceVariables.AsNoTracking().Include(v => v.Attributes).Where(v => v.StationId == stationId).ToListAsync(ct).ConfigureAwait(false);
        var components = variables
            .GroupBy(v => (v.ComponentName, v.ComponentInstance, v.EvseId, v.ConnectorId))
            .OrderBy(g => g.Key.ComponentName, StringComparer.Ordinal).ThenBy(g => g.Key.EvseId).ThenBy(g => g.Key.ConnectorId).ThenBy(g => g.Key.ComponentInstance, StringComparer.Ordinal)
            .Select(g => new
            {
                name = g.Key.ComponentName,
                instance = g.Key.ComponentInstance.Length == 0 ? null : g.Key.ComponentInstance,
                evseId = g.Key.EvseId == 0 ? (int?)null : g.Key.EvseId,
                connectorId = g.Key.ConnectorId == 0 ? (int?)null : g.Key.ConnectorId,
                variables = g.OrderBy(v => v.VariableName, StringComparer.Ordinal).ThenBy(v => v.VariableInstance, StringComparer.Ordinal).Select(v => new
                {
                    name = v.VariableName,
                    instance = v.VariableInstance.Length == 0 ? null : v.VariableInstance,
                    attributes = v.Attributes.OrderBy(a => a.Type, StringComparer.Ordinal).Select(a => new { type = a.Type, value = a.Value, mutability = a.Mutability, persistent = a.Persistent, constant = a.Constant }),
                    characteristics = v.DataType is null ? null : new { dataType = v.DataType, unit = v.Unit, minLimit = v.MinLimit, maxLimit = v.MaxLimit, valuesList = v.ValuesList, supportsMonitoring = v.SupportsMonitoring },
                }),
            }).ToList();
        return Results.Ok(new { stationId, variableCount = variables.Count, components });
    }

    private static async Task<IResult> ReportsAsync(string stationId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return Results.Ok(await db.Reports.AsNoTracking().Where(r => r.StationId == stationId).OrderByDescending(r => r.Id).Take(100).ToListAsync(ct).ConfigureAwait(false));
    }
}
