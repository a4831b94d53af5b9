using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
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
        api.MapGet("/transactions", ListAsync).WithTags("Transactions").WithSummary("Transactions, filtered by station, state (Active, Ended) and start time");
        api.MapGet("/stations/{stationId}/transactions/{transactionId}", GetAsync).WithTags("Transactions").WithSummary("One transaction with its events, meter values, gaps and late events");
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

    private static async Task<IResult> ListAsync(
        CsmsDatabase database, string? stationId, string? state, DateTimeOffset? from, DateTimeOffset? to, int? remoteStartId, int? limit, CancellationToken ct)
    {
        if (state is not null and not ("Active" or "Ended"))
        {
            return ApiResults.Invalid("state", "must be Active or Ended");
        }

        if (limit is < 1 or > 1000)
        {
            return ApiResults.Invalid("limit", "must be between 1 and 1000");
        }

        await using var db = database.CreateContext();
        var query = db.Transactions.AsNoTracking();
        if (stationId is not null)
        {
            query = query.Where(t => t.StationId == stationId);
        }

        if (state is not null)
        {
            query = query.Where(t => t.State == state);
        }

        if (remoteStartId is not null)
        {
            query = query.Where(t => t.RemoteStartId == remoteStartId);
        }

        if (from is { } f)
        {
            var utc = f.ToUniversalTime();
            query = query.Where(t => t.StartedAt >= utc);
        }

        if (to is { } u)
        {
            var utc = u.ToUniversalTime();
            query = query.Where(t => t.StartedAt < utc);
        }

        var rows = await query.OrderByDescending(t => t.Id).Take(limit ?? 100).ToListAsync(ct).ConfigureAwait(false);
        return Results.Ok(rows.Select(View));
    }

    private static async Task<IResult> GetAsync(string stationId, string transactionId, CsmsDatabase database, CancellationToken ct)
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
        return Results.Ok(new
        {
            transaction = View(tx),
            gaps = Gaps(events.Select(e => e.SeqNo)),
            lateEvents = events.Where(e => e.Late).Select(e => e.SeqNo),
            outOfOrderEvents = events.Where(e => e.OutOfOrder).Select(e => e.SeqNo),
            events = events.Select(e => new
            {
                e.SeqNo, e.EventType, e.Timestamp, e.TriggerReason, e.Offline, e.NumberOfPhasesUsed, e.CableMaxCurrent, e.ReservationId,
                e.ChargingState, e.StoppedReason, e.RemoteStartId, e.EvseId, e.ConnectorId, e.IdToken, e.IdTokenType, e.Late, e.OutOfOrder, e.ReceivedAt,
                meterValues = e.MeterValues is { } document ? MeterValueViews(document) : LegacyMeterValueViews(legacy.Where(s => s.TransactionEventId == e.Id)),
            }),
        });
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
