using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Serialization;

namespace Ohm.Csms.Server.Api;

/// <summary>Transactions: filtered lists, and each one with its events, meter values, seqNo gaps and late events.</summary>
internal static class TransactionsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/transactions", ListAsync).WithTags("Transactions").WithName("listTransactions")
            .WithSummary("Transactions by start time, newest first; filtered by station, state (Active, Ended), start time and remoteStartId");
        api.MapGet("/stations/{stationId}/transactions", ListOfStationAsync).WithTags("Transactions").WithName("listStationTransactions")
            .WithSummary("The station's transactions by start time, newest first; filtered by state, start time and remoteStartId")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/stations/{stationId}/transactions/{transactionId}", GetAsync).WithTags("Transactions").WithName("getTransaction")
            .WithSummary("One transaction with its events, meter values, gaps and late events")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    internal sealed record TransactionView(
        string StationId, string TransactionId, string State, int? EvseId, int? ConnectorId, string? IdToken, string? IdTokenType,
        string? AuthorizationStatus, string? ChargingState, string? StoppedReason, int? RemoteStartId, int? ReservationId,
        DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, bool StartedReceived, int LastSeqNo, int EventCount, decimal? EnergyWh)
    {
        /// <summary>E14: what the station answered when the CSMS asked after an Ended with gaps; null if it never asked.</summary>
        public StatusCheckView? StatusCheck { get; init; }
    }

    /// <summary>The CSMS's own GetTransactionStatus (E14) after the transaction ended with seqNos missing.</summary>
    internal sealed record StatusCheckView(DateTimeOffset CheckedAt, bool? MessagesInQueue, bool? OngoingIndicator, string? Error);

    private static TransactionView View(TransactionRecord t) => new(
        t.StationId, t.TransactionId, t.State, t.EvseId, t.ConnectorId, t.IdToken, t.IdTokenType, t.AuthorizationStatus, t.ChargingState,
        t.StoppedReason, t.RemoteStartId, t.ReservationId, t.StartedAt, t.EndedAt, t.StartedReceived, t.LastSeqNo, t.EventCount,
        t.MeterStartWh is { } start && t.MeterLastWh is { } last ? last - start : null)
    {
        StatusCheck = t.StatusCheckedAt is { } checkedAt ? new StatusCheckView(checkedAt, t.StatusMessagesInQueue, t.StatusOngoing, t.StatusCheckError) : null,
    };

    /// <summary>The filters of a transaction list; <c>from</c> is inclusive, <c>to</c> exclusive.</summary>
    internal sealed record TransactionFilter(string? State, DateTimeOffset? From, DateTimeOffset? To, int? RemoteStartId, string? Cursor, int? Limit);

    private static async Task<Results<Ok<Page<TransactionView>>, ValidationProblem>> ListAsync(
        CsmsDatabase database, string? stationId, [Description("Active or Ended")] string? state,
        [Description("started at or after (RFC 3339)")] DateTimeOffset? from, [Description("started before (RFC 3339)")] DateTimeOffset? to, int? remoteStartId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        var (page, problem) = await PageAsync(database, stationId, new TransactionFilter(state, from, to, remoteStartId, cursor, limit), ct).ConfigureAwait(false);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<Page<TransactionView>>, ValidationProblem, ProblemHttpResult>> ListOfStationAsync(
        string stationId, CsmsDatabase database, [Description("Active or Ended")] string? state,
        [Description("started at or after (RFC 3339)")] DateTimeOffset? from, [Description("started before (RFC 3339)")] DateTimeOffset? to, int? remoteStartId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var (page, problem) = await PageAsync(database, stationId, new TransactionFilter(state, from, to, remoteStartId, cursor, limit), ct).ConfigureAwait(false);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    /// <summary>
    /// The page in the order start time, newest first, then id (a transaction whose start the CSMS never saw sorts as
    /// the oldest), keyset-paged on both; the cursor is the last item's start time in ticks and its id.
    /// </summary>
    private static async Task<(Page<TransactionView>? Page, ValidationProblem? Problem)> PageAsync(
        CsmsDatabase database, string? stationId, TransactionFilter filter, CancellationToken ct)
    {
        if (filter.State is not null and not ("Active" or "Ended"))
        {
            return (null, ApiResults.Invalid("state", "must be Active or Ended"));
        }

        if (!Paging.TryLimit(filter.Limit, out var take, out var problem) || !Paging.TryKey(filter.Cursor, out var key, out problem))
        {
            return (null, problem);
        }

        (DateTimeOffset At, long Id)? after = null;
        if (key is not null)
        {
            var parts = key.Split(' ');
            if (parts.Length != 2 || !long.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out var ticks) || !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var id)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
            {
                return (null, Paging.BadCursor());
            }

            after = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
        }

        await using var db = database.CreateContext();
        var query = db.Transactions.AsNoTracking();
        if (stationId is not null)
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

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        var never = DateTimeOffset.MinValue;
        if (after is { } last)
        {
            var (at, afterId) = last;
            query = query.Where(t => (t.StartedAt ?? never) < at || ((t.StartedAt ?? never) == at && t.Id < afterId));
        }

        var rows = await query.OrderByDescending(t => t.StartedAt ?? never).ThenByDescending(t => t.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return (Paging.Of(rows, take, total, View, t => $"{(t.StartedAt ?? never).UtcTicks} {t.Id}"), null);
    }

    /// <summary>One transaction: <c>gaps</c> lists the first 1000 seqNos missing, <c>gapCount</c> how many are missing in all.</summary>
    internal sealed record TransactionDetail(
        TransactionView Transaction, List<int> Gaps, long GapCount, List<int> LateEvents, List<int> OutOfOrderEvents, List<TransactionEventView> Events);

    internal sealed record TransactionEventView(
        int SeqNo, string EventType, DateTimeOffset Timestamp, string TriggerReason, bool Offline, int? NumberOfPhasesUsed, decimal? CableMaxCurrent, int? ReservationId,
        string? ChargingState, string? StoppedReason, int? RemoteStartId, int? EvseId, int? ConnectorId, string? IdToken, string? IdTokenType, bool Late, bool OutOfOrder,
        DateTimeOffset ReceivedAt, List<MeterValueView> MeterValues);

    private static async Task<Results<Ok<TransactionDetail>, ProblemHttpResult>> GetAsync(string stationId, string transactionId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var tx = await db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.StationId == stationId && t.TransactionId == transactionId, ct).ConfigureAwait(false);
        if (tx is null)
        {
            return ApiResults.NotFound($"Station '{stationId}' has no transaction '{transactionId}'.");
        }

        var events = await db.TransactionEvents.AsNoTracking().Where(e => e.TransactionRecordId == tx.Id).OrderBy(e => e.SeqNo).ToListAsync(ct).ConfigureAwait(false);
        var legacy = events.Any(e => e.MeterValues is null)
            ? await db.SampledValues.AsNoTracking().Where(v => v.StationId == stationId && v.TransactionId == transactionId).OrderBy(v => v.Id).ToListAsync(ct).ConfigureAwait(false)
            : [];
        var seqNos = events.Select(e => e.SeqNo).ToList();
        return TypedResults.Ok(new TransactionDetail(
            View(tx),
            Gaps(seqNos).ToList(),
            GapCount(seqNos),
            events.Where(e => e.Late).Select(e => e.SeqNo).ToList(),
            events.Where(e => e.OutOfOrder).Select(e => e.SeqNo).ToList(),
            events.Select(e => new TransactionEventView(
                e.SeqNo, e.EventType, e.Timestamp, e.TriggerReason, e.Offline, e.NumberOfPhasesUsed, e.CableMaxCurrent, e.ReservationId,
                e.ChargingState, e.StoppedReason, e.RemoteStartId, e.EvseId, e.ConnectorId, e.IdToken, e.IdTokenType, e.Late, e.OutOfOrder, e.ReceivedAt,
                e.MeterValues is { } document ? MeterValueViews(document) : LegacyMeterValueViews(legacy.Where(s => s.TransactionEventId == e.Id)))).ToList()));
    }

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

    internal sealed record MeterValueView(DateTimeOffset Timestamp, List<SampledValueView> SampledValue);

    internal sealed record SampledValueView(
        JsonElement Value, string Measurand, string? Phase, string? Location, string? Context, string? Unit, int? Multiplier,
        string? SignedMeterData, string? SigningMethod, string? EncodingMethod, string? PublicKey);

    /// <summary>
    /// The seqNos missing between 0 and the highest received, the first 1000 of them. Counted in a long and stopped at
    /// 1000, so that a seqNo of int.MaxValue neither overflows nor enumerates two billion numbers; negative seqNos (valid
    /// integers in the schema) are outside the range and never gaps.
    /// </summary>
    internal static long GapCount(IEnumerable<int> seqNos)
    {
        var seen = seqNos.Where(n => n >= 0).ToHashSet();
        return seen.Count == 0 ? 0 : seen.Max() + 1L - seen.Count;
    }

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
