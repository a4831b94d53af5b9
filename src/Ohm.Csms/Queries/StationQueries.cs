using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Queries;

/// <summary>A station: its registration, live state (online, last seen) and what its last boot said.</summary>
public sealed record StationView(
    string Id, bool Enabled, int SecurityProfile, RegistrationStatusEnumType BootPolicy, string? RegistrationStatus, bool Online, DateTimeOffset? LastSeenAt,
    string? VendorName, string? Model, string? SerialNumber, string? FirmwareVersion, string? ModemIccid, string? ModemImsi,
    string? LastBootReason, DateTimeOffset? LastBootAt, bool AutoRegistered, DateTimeOffset CreatedAt);

/// <summary>One connection of a station.</summary>
public sealed record ConnectionView(DateTimeOffset ConnectedAt, DateTimeOffset? DisconnectedAt, string? RemoteAddress, int SecurityProfile);

/// <summary>An EVSE and the current status of its connectors.</summary>
public sealed record EvseView(int EvseId, List<ConnectorView> Connectors);

/// <summary>A connector's current status, and since when (the station's timestamp).</summary>
public sealed record ConnectorView(int ConnectorId, string Status, DateTimeOffset Since);

/// <summary>One connector status change.</summary>
public sealed record StatusChangeView(int EvseId, int ConnectorId, string Status, DateTimeOffset Timestamp, DateTimeOffset ReceivedAt);

/// <summary>One device-model report and how many of its parts arrived.</summary>
public sealed record ReportView(int RequestId, int PartsReceived, int LastSeqNo, int VariablesReported, bool Complete, DateTimeOffset StartedAt, DateTimeOffset? CompletedAt);

/// <summary>A station's stored device model.</summary>
public sealed record DeviceModelView(string StationId, int VariableCount, List<ComponentView> Components);

/// <summary>A component of the device model and its variables.</summary>
public sealed record ComponentView(string Name, string? Instance, int? EvseId, int? ConnectorId, List<VariableView> Variables);

/// <summary>A variable, its attributes (Actual, Target, MinSet, MaxSet) and characteristics.</summary>
public sealed record VariableView(string Name, string? Instance, List<AttributeView> Attributes, CharacteristicsView? Characteristics);

/// <summary>One attribute of a variable.</summary>
public sealed record AttributeView(string Type, string? Value, string? Mutability, bool? Persistent, bool? Constant);

/// <summary>A variable's characteristics.</summary>
public sealed record CharacteristicsView(string DataType, string? Unit, decimal? MinLimit, decimal? MaxLimit, string? ValuesList, bool? SupportsMonitoring);

/// <summary>One page of a keyed list: <paramref name="NextKey"/> is the sort key of the page's last item when more follow (the API makes it a cursor).</summary>
public sealed record KeyedPage<T>(IReadOnlyList<T> Items, int Total, string? NextKey);

/// <summary>How the console's station list is sorted.</summary>
public enum StationSort
{
    /// <summary>Natural order of the identity (CS2 before CS10).</summary>
    Id,

    /// <summary>Vendor, then model.</summary>
    Vendor,

    /// <summary>Model.</summary>
    Model,

    /// <summary>Online first (ascending), then identity.</summary>
    Online,

    /// <summary>Last seen.</summary>
    LastSeen,
}

/// <summary>What the console's station list asks for: a search over identity, vendor, model and serial number, a sort and an offset page.</summary>
public sealed record StationSearch(string? Text, StationSort Sort, bool Descending, int Skip, int Take);

/// <summary>A station of the console's list with the count of its connectors by current status.</summary>
public sealed record StationRow(StationView Station, IReadOnlyDictionary<string, int> ConnectorsByStatus)
{
    /// <summary>Whether a connector is Faulted.</summary>
    public bool Faulted => ConnectorsByStatus.ContainsKey("Faulted");
}

/// <summary>
/// The queries of the station registry, live state, connection history, EVSE status and stored device model: the API's
/// and the console's one implementation. A method that takes a station answers null when the station is not registered.
/// </summary>
public sealed class StationQueries(CsmsDatabase database, StationSessions sessions, IStationDirectory? directory = null)
{
    /// <summary>Where the stations are connected: this process's sessions, or in a cluster every node's.</summary>
    private readonly IStationDirectory _directory = directory ?? new LocalStationDirectory(sessions);

    /// <summary>The view of a stored station with its live state, wherever it is connected.</summary>
    public async Task<StationView> ViewAsync(StationRecord station, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(station);
        var live = await _directory.ReadAsync([station.Id], cancellationToken).ConfigureAwait(false);
        return View(station, live.Find(station.Id));
    }

    /// <summary>The view of a stored station with its live state (<paramref name="live"/>: null when it is not connected).</summary>
    private static StationView View(StationRecord station, StationLiveState? live)
    {
        var s = station;
        return new StationView(
            s.Id, s.Enabled, s.SecurityProfile, s.BootPolicy, live?.RegistrationStatus ?? s.RegistrationStatus?.ToWire(), live is not null,
            LastSeen(s.LastSeenAt, live), s.VendorName, s.Model, s.SerialNumber, s.FirmwareVersion, s.ModemIccid, s.ModemImsi,
            s.LastBootReason, s.LastBootAt, s.AutoRegistered, s.CreatedAt);
    }

    /// <summary>
    /// When the station was last seen: what the node holding it knows, else the stored value (written at each
    /// disconnection), and no earlier than its connection's opening (another node's station was seen then at least).
    /// </summary>
    private static DateTimeOffset? LastSeen(DateTimeOffset? stored, StationLiveState? live) =>
        live?.LastSeenAt ?? (live is { } l && (stored is null || stored < l.ConnectedSince) ? l.ConnectedSince : stored);

    /// <summary>
    /// The page after <paramref name="afterId"/>, in natural order. The page is found in memory over the station ids only
    /// (one short string per registered station, read with one projected query): natural order has no portable SQL form
    /// on SQLite and PostgreSQL without a stored sort key. Only the page's rows are read in full.
    /// </summary>
    public async Task<KeyedPage<StationView>> ListAsync(string? afterId, int take, CancellationToken cancellationToken)
    {
        using var db = database.CreateContext();
        var ids = await db.Stations.AsNoTracking().Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        ids.Sort(NaturalOrder.Instance);
        var pageIds = (afterId is null ? ids : ids.Where(id => NaturalOrder.Instance.Compare(id, afterId) > 0)).Take(take + 1).ToList();
        var wanted = pageIds.Take(take).ToList();
        var rows = await db.Stations.AsNoTracking().Where(s => wanted.Contains(s.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var live = await _directory.ReadAsync(wanted, cancellationToken).ConfigureAwait(false);
        var items = rows.OrderBy(s => s.Id, NaturalOrder.Instance).Select(s => View(s, live.Find(s.Id))).ToList();
        return new KeyedPage<StationView>(items, ids.Count, pageIds.Count > take ? wanted[^1] : null);
    }

    /// <summary>
    /// The console's list: searched (identity, vendor, model, serial number; case-insensitive), sorted and paged in memory
    /// over the few columns it needs (as <see cref="ListAsync"/>: natural order has no portable SQL form), each row with its
    /// connectors counted by current status.
    /// </summary>
    public async Task<(IReadOnlyList<StationRow> Items, int Total)> SearchAsync(StationSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        using var db = database.CreateContext();
        var keys = await db.Stations.AsNoTracking().Select(s => new { s.Id, s.VendorName, s.Model, s.SerialNumber, s.LastSeenAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var text = search.Text?.Trim();
        var found = string.IsNullOrEmpty(text) ? keys : keys.Where(k =>
            k.Id.Contains(text, StringComparison.OrdinalIgnoreCase)
            || (k.VendorName?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
            || (k.Model?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)
            || (k.SerialNumber?.Contains(text, StringComparison.OrdinalIgnoreCase) ?? false)).ToList();
        var byId = found.OrderBy(k => k.Id, NaturalOrder.Instance);

        // Sorted by live state: every connected station's, in one read; else only the page's, below.
        var everywhere = search.Sort is StationSort.Online or StationSort.LastSeen ? await _directory.ReadAsync(null, cancellationToken).ConfigureAwait(false) : null;
        var ordered = search.Sort switch
        {
            StationSort.Vendor => found.OrderBy(k => k.VendorName ?? string.Empty, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.Model ?? string.Empty, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.Id, NaturalOrder.Instance),
            StationSort.Model => found.OrderBy(k => k.Model ?? string.Empty, StringComparer.OrdinalIgnoreCase).ThenBy(k => k.Id, NaturalOrder.Instance),
            StationSort.Online => found.OrderBy(k => everywhere!.IsConnected(k.Id) ? 0 : 1).ThenBy(k => k.Id, NaturalOrder.Instance),
            StationSort.LastSeen => found.OrderBy(k => LastSeen(k.LastSeenAt, everywhere!.Find(k.Id)) ?? DateTimeOffset.MinValue).ThenBy(k => k.Id, NaturalOrder.Instance),
            _ => byId,
        };
        var list = ordered.Select(k => k.Id).ToList();
        if (search.Descending)
        {
            list.Reverse();
        }

        var wanted = list.Skip(Math.Max(0, search.Skip)).Take(Math.Max(1, search.Take)).ToList();
        var rows = await db.Stations.AsNoTracking().Where(s => wanted.Contains(s.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var statuses = await db.ConnectorStatuses.AsNoTracking().Where(c => c.Current && wanted.Contains(c.StationId))
            .Select(c => new { c.StationId, c.Status }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var counts = statuses.GroupBy(c => c.StationId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)g.GroupBy(c => c.Status, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Count(), StringComparer.Ordinal), StringComparer.Ordinal);
        var live = everywhere ?? await _directory.ReadAsync(wanted, cancellationToken).ConfigureAwait(false);
        var position = wanted.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var items = rows.OrderBy(r => position[r.Id])
            .Select(r => new StationRow(View(r, live.Find(r.Id)), counts.GetValueOrDefault(r.Id) ?? new Dictionary<string, int>(StringComparer.Ordinal)))
            .ToList();
        return (items, found.Count);
    }

    /// <summary>One station, or null.</summary>
    public async Task<StationView?> GetAsync(string stationId, CancellationToken cancellationToken)
    {
        using var db = database.CreateContext();
        var station = await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false);
        return station is null ? null : await ViewAsync(station, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether the station is registered.</summary>
    public async Task<bool> ExistsAsync(string stationId, CancellationToken cancellationToken)
    {
        using var db = database.CreateContext();
        return await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The connection history, newest first, before the row id <paramref name="beforeId"/>.</summary>
    public Task<KeyedPage<ConnectionView>?> ConnectionsAsync(string stationId, long? beforeId, int take, CancellationToken cancellationToken) =>
        NewestFirstAsync(stationId, beforeId, take, db => db.Connections.Where(c => c.StationId == stationId), c => c.Id, c => new ConnectionView(c.ConnectedAt, c.DisconnectedAt, c.RemoteAddress, c.SecurityProfile), cancellationToken);

    /// <summary>The current status of each EVSE and connector, by EVSE id.</summary>
    public async Task<List<EvseView>?> EvsesAsync(string stationId, CancellationToken cancellationToken)
    {
        using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var rows = await db.ConnectorStatuses.AsNoTracking().Where(s => s.StationId == stationId && s.Current).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.GroupBy(r => r.EvseId).OrderBy(g => g.Key)
            .Select(g => new EvseView(g.Key, g.OrderBy(c => c.ConnectorId).Select(c => new ConnectorView(c.ConnectorId, c.Status, c.Timestamp)).ToList()))
            .ToList();
    }

    /// <summary>The connector status history, newest first.</summary>
    public Task<KeyedPage<StatusChangeView>?> StatusHistoryAsync(string stationId, long? beforeId, int take, CancellationToken cancellationToken) =>
        NewestFirstAsync(stationId, beforeId, take, db => db.ConnectorStatuses.Where(s => s.StationId == stationId && !s.Current), s => s.Id, s => new StatusChangeView(s.EvseId, s.ConnectorId, s.Status, s.Timestamp, s.ReceivedAt), cancellationToken);

    /// <summary>The device-model reports, newest first.</summary>
    public Task<KeyedPage<ReportView>?> ReportsAsync(string stationId, long? beforeId, int take, CancellationToken cancellationToken) =>
        NewestFirstAsync(stationId, beforeId, take, db => db.Reports.Where(r => r.StationId == stationId), r => r.Id, r => new ReportView(r.RequestId, r.PartsReceived, r.LastSeqNo, r.VariablesReported, r.Complete, r.StartedAt, r.CompletedAt), cancellationToken);

    /// <summary>The stored device model.</summary>
    public async Task<DeviceModelView?> DeviceModelAsync(string stationId, CancellationToken cancellationToken)
    {
        using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var variables = await db.DeviceVariables.AsNoTracking().Include(v => v.Attributes).Where(v => v.StationId == stationId).ToListAsync(cancellationToken).ConfigureAwait(false);
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
        return new DeviceModelView(stationId, variables.Count, components);
    }

    private async Task<KeyedPage<TView>?> NewestFirstAsync<TRow, TView>(
        string stationId, long? beforeId, int take, Func<CsmsDbContext, IQueryable<TRow>> rowsOf, System.Linq.Expressions.Expression<Func<TRow, long>> id, Func<TRow, TView> view, CancellationToken cancellationToken)
        where TRow : class
    {
        using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var query = rowsOf(db).AsNoTracking();
        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (beforeId is { } b)
        {
            query = query.Where(System.Linq.Expressions.Expression.Lambda<Func<TRow, bool>>(System.Linq.Expressions.Expression.LessThan(id.Body, System.Linq.Expressions.Expression.Constant(b)), id.Parameters));
        }

        var rows = await query.OrderByDescending(id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var key = id.Compile();
        return new KeyedPage<TView>(
            [.. rows.Take(take).Select(view)], total, rows.Count > take ? key(rows[take - 1]).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
