using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Queries;

/// <summary>
/// The fleet at a glance, for the console's dashboard and <c>GET /api/fleet/summary</c> and <c>/api/fleet/power</c>:
/// stations connected, offline and faulted, connectors by status, active transactions, the energy delivered today, open
/// alerts by severity, OCPP calls per second, and the power delivered over the last hours.
/// </summary>
public sealed class FleetQueries(CsmsDatabase database, StationSessions sessions, FleetMessageRate messages, TimeProvider time, IStationDirectory? directory = null)
{
    /// <summary>Where the stations are connected: this process's sessions, or in a cluster every node's.</summary>
    private readonly IStationDirectory _directory = directory ?? new LocalStationDirectory(sessions);

    /// <summary>The buckets of <see cref="PowerAsync"/>.</summary>
    public const int PowerBuckets = 24;

    /// <summary>The longest window of <see cref="PowerAsync"/>, in hours.</summary>
    public const int MaxPowerHours = 48;

    /// <summary>How the energy of <see cref="FleetSummary.EnergyTodayWh"/> is counted (the console shows it).</summary>
    public const string EnergyDefinition =
        "the sum, over every EVSE, of the increases of its Energy.Active.Import.Register between consecutive readings timestamped today "
        + "(since 00:00 UTC by the CSMS's clock), from the meter values of transaction events and MeterValues requests";

    /// <summary>The fleet now.</summary>
    public async Task<FleetSummary> SummaryAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var dayStart = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var stationIds = await db.Stations.AsNoTracking().Select(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var live = await _directory.ReadAsync(null, cancellationToken).ConfigureAwait(false);
        var connected = stationIds.Count(live.IsConnected);
        var faulted = await db.ConnectorStatuses.AsNoTracking().Where(c => c.Current && c.Status == "Faulted").Select(c => c.StationId).Distinct()
            .CountAsync(cancellationToken).ConfigureAwait(false);
        var connectors = (await db.ConnectorStatuses.AsNoTracking().Where(c => c.Current).GroupBy(c => c.Status)
                .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .OrderBy(c => c.Status, StringComparer.Ordinal).Select(c => new StatusCount(c.Status, c.Count)).ToList();
        var active = await db.Transactions.AsNoTracking().CountAsync(t => t.State == "Active", cancellationToken).ConfigureAwait(false);
        var alerts = (await db.Alerts.AsNoTracking().Where(a => a.Open).GroupBy(a => a.Severity)
                .Select(g => new { Severity = g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .OrderBy(a => a.Severity ?? int.MaxValue).Select(a => new SeverityCount(a.Severity, a.Count)).ToList();
        var readings = await ReadingsAsync(db, dayStart, cancellationToken).ConfigureAwait(false);
        var energy = 0m;
        foreach (var evse in readings.Values)
        {
            foreach (var (_, delta) in EnergyDeltas(evse, dayStart))
            {
                energy += delta;
            }
        }

        return new FleetSummary(
            now, stationIds.Count, connected, stationIds.Count - connected, faulted, connectors, active, energy, dayStart,
            alerts.Sum(a => a.Count), alerts, messages.Sample());
    }

    /// <summary>
    /// The power delivered by the fleet over the last <paramref name="hours"/> in <see cref="PowerBuckets"/> buckets (the last
    /// ends at the next bucket boundary after now): per EVSE, the mean of its Power.Active.Import readings in the bucket, or
    /// without one the energy its register rose by in the bucket over the bucket's length; summed over the EVSEs.
    /// </summary>
    public async Task<FleetPower> PowerAsync(int hours, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hours, MaxPowerHours);
        var size = TimeSpan.FromHours(hours) / PowerBuckets;
        var now = time.GetUtcNow();
        var end = new DateTimeOffset((now.UtcTicks / size.Ticks + 1) * size.Ticks, TimeSpan.Zero);
        var from = end - TimeSpan.FromHours(hours);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var readings = await ReadingsAsync(db, from, cancellationToken).ConfigureAwait(false);
        var watts = new double[PowerBuckets];
        foreach (var evse in readings.Values)
        {
            var power = new double[PowerBuckets];
            var samples = new int[PowerBuckets];
            var energy = new decimal[PowerBuckets];
            foreach (var reading in evse)
            {
                if (reading.Watts is { } w && Bucket(reading.At) is { } i)
                {
                    power[i] += w;
                    samples[i]++;
                }
            }

            foreach (var (at, delta) in EnergyDeltas(evse, from))
            {
                if (Bucket(at) is { } i)
                {
                    energy[i] += delta;
                }
            }

            for (var i = 0; i < PowerBuckets; i++)
            {
                watts[i] += samples[i] > 0 ? power[i] / samples[i] : (double)energy[i] / size.TotalHours;
            }
        }

        var buckets = new List<PowerBucket>(PowerBuckets);
        for (var i = 0; i < PowerBuckets; i++)
        {
            buckets.Add(new PowerBucket(from + (size * i), Math.Round(watts[i], 1)));
        }

        return new FleetPower(from, end, (int)size.TotalSeconds, buckets);

        int? Bucket(DateTimeOffset at) => at >= from && at < end ? (int)((at - from).Ticks / size.Ticks) : null;
    }

    /// <summary>The increases of an EVSE's import register between consecutive readings at or after <paramref name="since"/>, at the later reading.</summary>
    private static IEnumerable<(DateTimeOffset At, decimal Wh)> EnergyDeltas(List<Reading> evse, DateTimeOffset since)
    {
        decimal? last = null;
        foreach (var reading in evse)
        {
            if (reading.Wh is not { } wh || reading.At < since)
            {
                continue;
            }

            if (last is { } previous && wh > previous)
            {
                yield return (reading.At, wh - previous);
            }

            last = wh;
        }
    }

    /// <summary>The stored readings received since <paramref name="since"/>, per EVSE (station and EVSE id), by time.</summary>
    private static async Task<Dictionary<(string Station, string Evse), List<Reading>>> ReadingsAsync(CsmsDbContext db, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var events = await db.TransactionEvents.AsNoTracking().Where(e => e.ReceivedAt >= since && e.MeterValues != null)
            .Select(e => new { e.StationId, EvseId = e.EvseId ?? e.Transaction!.EvseId, e.TransactionId, e.MeterValues })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var meterValues = await db.MeterValues.AsNoTracking().Where(m => m.ReceivedAt >= since)
            .Select(m => new { m.StationId, m.EvseId, m.MeterValues }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byEvse = new Dictionary<(string, string), List<Reading>>();
        foreach (var e in events)
        {
            Add(e.StationId, e.EvseId is { } id ? Id(id) : "tx " + e.TransactionId, e.MeterValues!);
        }

        foreach (var m in meterValues)
        {
            Add(m.StationId, Id(m.EvseId), m.MeterValues);
        }

        foreach (var list in byEvse.Values)
        {
            list.Sort((a, b) => a.At.CompareTo(b.At));
        }

        return byEvse;

        static string Id(int evseId) => evseId.ToString(System.Globalization.CultureInfo.InvariantCulture);

        void Add(string station, string evse, string document)
        {
            if (!byEvse.TryGetValue((station, evse), out var list))
            {
                byEvse[(station, evse)] = list = [];
            }

            foreach (var meterValue in Metering.FromDocument(document))
            {
                foreach (var sample in meterValue.SampledValue)
                {
                    var wh = Metering.ImportRegisterWh(sample);
                    var w = ImportPowerW(sample);
                    if (wh is not null || w is not null)
                    {
                        list.Add(new Reading(meterValue.Timestamp, wh, w));
                    }
                }
            }
        }
    }

    /// <summary>A Power.Active.Import reading of all phases in W (unit W by default, kW scaled, multiplier applied), else null.</summary>
    internal static double? ImportPowerW(SampledValueType sample)
    {
        if (sample.Measurand != MeasurandEnumType.PowerActiveImport || sample.Phase is not null)
        {
            return null;
        }

        var exponent = (sample.UnitOfMeasure?.Multiplier ?? 0) + (string.Equals(sample.UnitOfMeasure?.Unit, "kW", StringComparison.OrdinalIgnoreCase) ? 3 : 0);
        var watts = (double)sample.Value * Math.Pow(10, exponent);
        return double.IsFinite(watts) ? watts : null;
    }

    private readonly record struct Reading(DateTimeOffset At, decimal? Wh, double? Watts);
}

/// <summary>The fleet at <paramref name="At"/>.</summary>
/// <param name="At">When it was read (the CSMS's clock).</param>
/// <param name="StationsRegistered">Stations in the registry.</param>
/// <param name="StationsConnected">Registered stations connected now.</param>
/// <param name="StationsOffline">Registered stations not connected.</param>
/// <param name="StationsFaulted">Stations with a connector whose current status is Faulted.</param>
/// <param name="ConnectorsByStatus">Connectors by their current status (the last StatusNotification of each).</param>
/// <param name="TransactionsActive">Transactions started and not ended.</param>
/// <param name="EnergyTodayWh">The energy delivered today in Wh: see <see cref="FleetQueries.EnergyDefinition"/>.</param>
/// <param name="EnergySince">The start of today (UTC) that <paramref name="EnergyTodayWh"/> counts from.</param>
/// <param name="OpenAlerts">Open alerts.</param>
/// <param name="OpenAlertsBySeverity">Open alerts by severity (0 Danger to 9 Debug; null: the monitor is unknown).</param>
/// <param name="CallsPerSecond">OCPP CALLs per second received and sent over the latest sampling interval; null until there are two samples.</param>
public sealed record FleetSummary(
    DateTimeOffset At, int StationsRegistered, int StationsConnected, int StationsOffline, int StationsFaulted, IReadOnlyList<StatusCount> ConnectorsByStatus,
    int TransactionsActive, decimal EnergyTodayWh, DateTimeOffset EnergySince, int OpenAlerts, IReadOnlyList<SeverityCount> OpenAlertsBySeverity, double? CallsPerSecond);

/// <summary>Connectors of one status.</summary>
public sealed record StatusCount(string Status, int Count);

/// <summary>Open alerts of one severity (null: unknown).</summary>
public sealed record SeverityCount(int? Severity, int Count);

/// <summary>The fleet's power from <paramref name="From"/> to <paramref name="To"/> in buckets of <paramref name="BucketSeconds"/>.</summary>
public sealed record FleetPower(DateTimeOffset From, DateTimeOffset To, int BucketSeconds, IReadOnlyList<PowerBucket> Buckets);

/// <summary>The mean power of the fleet in the bucket starting at <paramref name="From"/>, in W.</summary>
public sealed record PowerBucket(DateTimeOffset From, double Watts);
