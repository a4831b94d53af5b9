using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Queries;

/// <summary>
/// The alerts across the fleet (N07, N08) and the monitors a station holds (N02, N04): the queries of <c>GET /api/alerts</c>
/// and <c>GET /api/stations/{id}/monitors</c> and of the console's alerts page.
/// </summary>
public sealed class AlertQueries(CsmsDatabase database)
{
    /// <summary>The monitor types a station may hold.</summary>
    public static readonly IReadOnlyList<string> MonitorTypes = ["UpperThreshold", "LowerThreshold", "Delta", "Periodic", "PeriodicClockAligned"];

    /// <summary>Alerts matching <paramref name="filter"/>, newest first, <paramref name="take"/> of them before the alert id <paramref name="before"/>.</summary>
    public async Task<KeysetPage<AlertView>> AlertsAsync(AlertFilter filter, long? before, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = db.Alerts.AsNoTracking().Where(a => a.Open == filter.Open);
        if (filter.MaxSeverity is { } max)
        {
            query = query.Where(a => a.Severity != null && a.Severity <= max);
        }

        if (filter.StationId is { } stationId)
        {
            query = query.Where(a => a.StationId == stationId);
        }

        if (filter.Component is { } component)
        {
            query = query.Where(a => a.ComponentName == component);
        }

        if (filter.Variable is { } variable)
        {
            query = query.Where(a => a.VariableName == variable);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(a => a.Id < b);
        }

        var rows = await query.OrderByDescending(a => a.Id).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return KeysetPage.Of(rows, take, total, AlertView.Of, a => a.Id);
    }

    /// <summary>
    /// The monitors the station holds, by id, <paramref name="take"/> of them after the monitor id <paramref name="after"/>;
    /// null when the station is not registered.
    /// </summary>
    public async Task<KeysetPage<MonitorView>?> MonitorsAsync(
        string stationId, string? component, string? variable, string? type, long? after, int take, CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var query = db.Monitors.AsNoTracking().Where(m => m.StationId == stationId);
        if (component is not null)
        {
            query = query.Where(m => m.ComponentName == component);
        }

        if (variable is not null)
        {
            query = query.Where(m => m.VariableName == variable);
        }

        if (type is not null)
        {
            query = query.Where(m => m.Type == type);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(m => m.MonitorId > a);
        }

        var rows = await query.OrderBy(m => m.MonitorId).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return KeysetPage.Of(rows, take, total, MonitorView.Of, m => m.MonitorId);
    }
}

/// <summary>Which alerts: open ones (or cleared), of severity 0 to <paramref name="MaxSeverity"/>, of a station, component, variable.</summary>
public sealed record AlertFilter(bool Open = true, int? MaxSeverity = null, string? StationId = null, string? Component = null, string? Variable = null);

/// <summary>One page of a list keyed by a row id: its items, how many match in all, and the key the next page starts after (null on the last).</summary>
public sealed record KeysetPage<T>(IReadOnlyList<T> Items, int Total, long? NextKey);

/// <summary>Builds <see cref="KeysetPage{T}"/>s.</summary>
public static class KeysetPage
{
    /// <summary>The page of <paramref name="rows"/> (read with one more than <paramref name="take"/>), keyed by its last item.</summary>
    public static KeysetPage<T> Of<TRow, T>(List<TRow> rows, int take, int total, Func<TRow, T> view, Func<TRow, long> key)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(key);
        return new([.. rows.Take(take).Select(view)], total, rows.Count > take ? key(rows[take - 1]) : null);
    }
}

/// <summary>An alert: where it is, its monitor and severity, when it opened, its latest value, how many events it had, and when it cleared (null while open).</summary>
public sealed record AlertView(
    long Id, string StationId, string Component, string? ComponentInstance, int? EvseId, int? ConnectorId, string Variable, string? VariableInstance,
    int? VariableMonitoringId, int? Severity, bool Open, DateTimeOffset OpenedAt, DateTimeOffset LastEventAt, string LastValue, string? TechCode, string? TechInfo,
    int EventCount, DateTimeOffset? ClearedAt, long OpenedByEventId, long? ClearedByEventId)
{
    /// <summary>The view of a stored alert.</summary>
    public static AlertView Of(AlertRecord a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(
            a.Id, a.StationId, a.ComponentName, a.ComponentInstance, a.EvseId, a.ConnectorId, a.VariableName, a.VariableInstance, a.VariableMonitoringId, a.Severity, a.Open,
            a.OpenedAt, a.LastEventAt, a.LastValue, a.TechCode, a.TechInfo, a.EventCount, a.ClearedAt, a.OpenedByEventId, a.ClearedByEventId);
    }
}

/// <summary>A monitor the station holds: its id (the station's), where it watches, its type, value, severity, and whether it watches only during transactions; <c>source</c> Set or Report.</summary>
public sealed record MonitorView(
    int Id, string Component, string? ComponentInstance, int? EvseId, int? ConnectorId, string Variable, string? VariableInstance, string Type, decimal Value,
    int Severity, bool Transaction, string Source, DateTimeOffset UpdatedAt)
{
    /// <summary>The view of a stored monitor.</summary>
    public static MonitorView Of(MonitorRecord m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new(m.MonitorId, m.ComponentName, m.ComponentInstance, m.EvseId, m.ConnectorId, m.VariableName, m.VariableInstance, m.Type, m.Value, m.Severity, m.Transaction, m.Source, m.UpdatedAt);
    }
}
