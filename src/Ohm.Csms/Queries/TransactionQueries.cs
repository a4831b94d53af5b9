using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Serialization;

namespace Ohm.Csms.Queries;

/// <summary>
/// Transactions as stored: filtered lists (keyset-paged for the API, sorted and offset-paged for the console, streamed
/// for an export), and each one with its events, meter values, seqNo gaps and late events. The API and the console
/// both read through it.
/// </summary>
public sealed class TransactionQueries(CsmsDatabase database)
{
    /// <summary>The states a transaction can be in.</summary>
    public static bool IsState(string state) => state is "Active" or "Ended";

    /// <summary>
    /// The page in the order start time, newest first, then id (a transaction whose start the CSMS never saw sorts as
    /// the oldest), keyset-paged on both; <paramref name="afterKey"/> is the <c>Next</c> of the previous page. Null when
    /// <paramref name="afterKey"/> is not a key this method gave.
    /// </summary>
    public async Task<TransactionPage?> ListAsync(TransactionFilter filter, int take, string? afterKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        (DateTimeOffset At, long Id)? after = null;
        if (afterKey is not null)
        {
            var parts = afterKey.Split(' ');
            if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var id)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return null;
            }

            after = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        var never = DateTimeOffset.MinValue;
        if (after is { } last)
        {
            var (at, afterId) = last;
            query = query.Where(t => (t.StartedAt ?? never) < at || ((t.StartedAt ?? never) == at && t.Id < afterId));
        }

        var rows = await query.OrderByDescending(t => t.StartedAt ?? never).ThenByDescending(t => t.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var next = rows.Count > take ? $"{(rows[take - 1].StartedAt ?? never).UtcTicks} {rows[take - 1].Id}" : null;
        return new TransactionPage(rows.Take(take).Select(View).ToList(), total, next);
    }

    /// <summary>A console table's page: <paramref name="skip"/> rows on in the order asked for (then id), and how many match.</summary>
    public async Task<TransactionPage> SearchAsync(TransactionFilter filter, TransactionSort sort, bool descending, int skip, int take, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var query = Filtered(db, filter);
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        var rows = await Sorted(query, sort, descending).Skip(Math.Max(0, skip)).Take(Math.Max(1, take)).ToListAsync(ct).ConfigureAwait(false);
        return new TransactionPage(rows.Select(View).ToList(), total, null);
    }

    /// <summary>Every transaction that matches, in the order asked for, read as it is enumerated (an export of any size).</summary>
    public async IAsyncEnumerable<TransactionView> StreamAsync(TransactionFilter filter, TransactionSort sort, bool descending, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        await foreach (var row in Sorted(Filtered(db, filter), sort, descending).AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
        {
            yield return View(row);
        }
    }

    /// <summary>
    /// One transaction with its events in seqNo order; null when the station has none of that id. Without a station, the
    /// transaction of that id when exactly one station has it.
    /// </summary>
    public async Task<TransactionDetail?> GetAsync(string? stationId, string transactionId, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var matches = await db.Transactions.AsNoTracking()
            .Where(t => t.TransactionId == transactionId && (stationId == null || t.StationId == stationId)).Take(2).ToListAsync(ct).ConfigureAwait(false);
        if (matches.Count != 1)
        {
            return null;
        }

        var tx = matches[0];
        var events = await db.TransactionEvents.AsNoTracking().Where(e => e.TransactionRecordId == tx.Id).OrderBy(e => e.SeqNo).ToListAsync(ct).ConfigureAwait(false);
        var legacy = events.Any(e => e.MeterValues is null)
            ? await db.SampledValues.AsNoTracking().Where(v => v.StationId == tx.StationId && v.TransactionId == transactionId).OrderBy(v => v.Id).ToListAsync(ct).ConfigureAwait(false)
            : [];
        var seqNos = events.Select(e => e.SeqNo).ToList();
        return new TransactionDetail(
            View(tx),
            Gaps(seqNos).ToList(),
            GapCount(seqNos),
            events.Where(e => e.Late).Select(e => e.SeqNo).ToList(),
            events.Where(e => e.OutOfOrder).Select(e => e.SeqNo).ToList(),
            events.Select(e => new TransactionEventView(
                e.SeqNo, e.EventType, e.Timestamp, e.TriggerReason, e.Offline, e.NumberOfPhasesUsed, e.CableMaxCurrent, e.ReservationId,
                e.ChargingState, e.StoppedReason, e.RemoteStartId, e.EvseId, e.ConnectorId, e.IdToken, e.IdTokenType, e.Late, e.OutOfOrder, e.ReceivedAt,
                e.MeterValues is { } document ? MeterValueViews(document) : LegacyMeterValueViews(legacy.Where(s => s.TransactionEventId == e.Id)))).ToList());
    }

    /// <summary>What the transaction costs so far (or in all, once ended) by its tariff (I); null when no tariff applies.</summary>
    public async Task<TransactionCostView?> CostAsync(string stationId, string transactionId, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        return await db.TransactionCosts.AsNoTracking().Where(c => c.StationId == stationId && c.TransactionId == transactionId)
            .Select(c => new TransactionCostView(c.Total, c.Currency)).FirstOrDefaultAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The stations that have a transaction of this id (ids are unique per station only).</summary>
    public async Task<List<string>> StationsOfAsync(string transactionId, CancellationToken ct)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        return await db.Transactions.AsNoTracking().Where(t => t.TransactionId == transactionId).Select(t => t.StationId).OrderBy(s => s).Take(50).ToListAsync(ct).ConfigureAwait(false);
    }

    private static IQueryable<TransactionRecord> Filtered(CsmsDbContext db, TransactionFilter filter)
    {
        var query = db.Transactions.AsNoTracking();
        if (filter.StationId is { } stationId)
        {
            query = query.Where(t => t.StationId == stationId);
        }

        if (filter.State is { } state)
        {
            query = query.Where(t => t.State == state);
        }

        if (filter.RemoteStartId is { } remoteStartId)
        {
            query = query.Where(t => t.RemoteStartId == remoteStartId);
        }

        if (filter.IdToken is { Length: > 0 } token)
        {
            query = query.Where(t => t.IdToken != null && t.IdToken.Contains(token));
        }

        if (filter.From is { } f)
        {
            var utc = f.ToUniversalTime();
            query = query.Where(t => t.StartedAt >= utc);
        }

        if (filter.To is { } u)
        {
            var utc = u.ToUniversalTime();
            query = query.Where(t => t.StartedAt < utc);
        }

        return query;
    }

    private static IQueryable<TransactionRecord> Sorted(IQueryable<TransactionRecord> query, TransactionSort sort, bool descending)
    {
        var never = DateTimeOffset.MinValue;
        IOrderedQueryable<TransactionRecord> ordered = (sort, descending) switch
        {
            (TransactionSort.EndedAt, false) => query.OrderBy(t => t.EndedAt ?? never),
            (TransactionSort.EndedAt, true) => query.OrderByDescending(t => t.EndedAt ?? never),
            (TransactionSort.StationId, false) => query.OrderBy(t => t.StationId),
            (TransactionSort.StationId, true) => query.OrderByDescending(t => t.StationId),
            (TransactionSort.TransactionId, false) => query.OrderBy(t => t.TransactionId),
            (TransactionSort.TransactionId, true) => query.OrderByDescending(t => t.TransactionId),
            (TransactionSort.State, false) => query.OrderBy(t => t.State),
            (TransactionSort.State, true) => query.OrderByDescending(t => t.State),
            (_, false) => query.OrderBy(t => t.StartedAt ?? never),
            _ => query.OrderByDescending(t => t.StartedAt ?? never),
        };
        return descending ? ordered.ThenByDescending(t => t.Id) : ordered.ThenBy(t => t.Id);
    }

    private static TransactionView View(TransactionRecord t) => new(
        t.StationId, t.TransactionId, t.State, t.EvseId, t.ConnectorId, t.IdToken, t.IdTokenType, t.AuthorizationStatus, t.ChargingState,
        t.StoppedReason, t.RemoteStartId, t.ReservationId, t.StartedAt, t.EndedAt, t.StartedReceived, t.LastSeqNo, t.EventCount,
        t.MeterStartWh is { } start && t.MeterLastWh is { } last ? last - start : null)
    {
        StatusCheck = t.StatusCheckedAt is { } checkedAt ? new StatusCheckView(checkedAt, t.StatusMessagesInQueue, t.StatusOngoing, t.StatusCheckError) : null,
    };

    /// <summary>
    /// Stored meter values as the API shows them: per meter value its timestamp and flat sampled values. Read from the
    /// document as JSON, not as the typed message, so that each value is the number the station wrote (a decimal would
    /// round 1e-30 to 0 and cannot hold 1e300).
    /// </summary>
    internal static List<MeterValueView> MeterValueViews(string document)
    {
        using var json = JsonDocument.Parse(document);
        var views = new List<MeterValueView>();
        foreach (var meterValue in json.RootElement.EnumerateArray())
        {
            var samples = new List<SampledValueView>();
            foreach (var s in meterValue.GetProperty("sampledValue").EnumerateArray())
            {
                var unit = s.TryGetProperty("unitOfMeasure", out var u) ? u : default;
                var signed = s.TryGetProperty("signedMeterValue", out var m) ? m : default;
                samples.Add(new SampledValueView(
                    s.GetProperty("value").Clone(),
                    Text(s, "measurand") ?? "Energy.Active.Import.Register",
                    Text(s, "phase"),
                    Text(s, "location"),
                    Text(s, "context"),
                    Text(unit, "unit"),
                    unit.ValueKind == JsonValueKind.Object && unit.TryGetProperty("multiplier", out var multiplier) ? multiplier.GetInt32() : null,
                    Text(signed, "signedMeterData"),
                    Text(signed, "signingMethod"),
                    Text(signed, "encodingMethod"),
                    Text(signed, "publicKey")));
            }

            var timestamp = meterValue.GetProperty("timestamp");
            views.Add(new MeterValueView(
                OcppDateTime.TryParse(Encoding.UTF8.GetBytes(timestamp.GetString()!), out var at) ? at : timestamp.GetDateTimeOffset(),
                samples));
        }

        return views;
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Meter values that an earlier version stored one row per sampled value.</summary>
    private static List<MeterValueView> LegacyMeterValueViews(IEnumerable<SampledValueRecord> samples) =>
        samples.GroupBy(s => s.Timestamp).Select(g => new MeterValueView(
            g.Key,
            g.Select(s => new SampledValueView(JsonSerializer.SerializeToElement(s.Value), s.Measurand, s.Phase, s.Location, s.Context, s.Unit, s.Multiplier, s.SignedMeterData, s.SigningMethod, s.EncodingMethod, s.PublicKey)).ToList())).ToList();

    /// <summary>
    /// How many seqNos are missing between 0 and the highest received. Counted in a long, so that a seqNo of
    /// int.MaxValue does not overflow; negative seqNos (valid integers in the schema) are outside the range and never gaps.
    /// </summary>
    internal static long GapCount(IEnumerable<int> seqNos)
    {
        var seen = seqNos.Where(n => n >= 0).ToHashSet();
        return seen.Count == 0 ? 0 : seen.Max() + 1L - seen.Count;
    }

    /// <summary>The seqNos missing between 0 and the highest received, the first 1000 of them (never enumerating two billion numbers).</summary>
    internal static IEnumerable<int> Gaps(IEnumerable<int> seqNos)
    {
        var seen = seqNos.ToHashSet();
        var max = seen.Count == 0 ? -1L : seen.Max();
        var gaps = new List<int>();
        for (var n = 0L; n <= max && gaps.Count < 1000; n++)
        {
            if (!seen.Contains((int)n))
            {
                gaps.Add((int)n);
            }
        }

        return gaps;
    }
}
