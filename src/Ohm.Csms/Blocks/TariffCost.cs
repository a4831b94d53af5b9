using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block I, Tariff and cost, on the CSMS side, and C17 prepaid tokens. The tariff of a transaction is, in this order:
/// the tariff assigned to the driver's token group (a contract tariff), the EVSE's, the station's, the default tariff.
/// A transaction keeps the tariff it started with; when that tariff gets a new version during the transaction (I06), the
/// new energy, time and idle prices apply from the moment the version was made, the fee, minimum, maximum and tax stay
/// those the driver started with, and the next TransactionEventResponse carries the new tariff text as
/// updatedPersonalMessage. Costs are computed from the stored TransactionEvents only (Energy.Active.Import.Register
/// readings and chargingState changes).
/// </summary>
public sealed class TariffCost(CsmsDatabase database, CsmsWriter writer, IStationCallRouter router, StationSessions sessions, TimeProvider time, ILogger<TariffCost> logger)
{
    /// <summary>How tariff definitions are stored and shown.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Reads a stored definition.</summary>
    public static TariffDefinition Parse(string json) => JsonSerializer.Deserialize<TariffDefinition>(json, Json)!;

    /// <summary>Writes a definition for storage.</summary>
    public static string Write(TariffDefinition tariff) => JsonSerializer.Serialize(tariff, Json);

    /// <summary>The tariff that applies (group, then EVSE, then station, then default) in its current version; null for none.</summary>
    public static async Task<TariffVersionRecord?> ResolveAsync(CsmsDbContext db, string? stationId, int? evseId, string? groupIdToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var live = db.Tariffs.Where(t => !t.Deleted);
        long? tariffId = null;
        if (groupIdToken is not null)
        {
            tariffId = await db.TariffAssignments.Where(a => a.GroupIdToken == groupIdToken && live.Any(t => t.Id == a.TariffId)).Select(a => (long?)a.TariffId).FirstOrDefaultAsync().ConfigureAwait(false);
        }

        if (tariffId is null && stationId is not null && evseId is not null)
        {
            tariffId = await db.TariffAssignments.Where(a => a.StationId == stationId && a.EvseId == evseId && a.GroupIdToken == null && live.Any(t => t.Id == a.TariffId)).Select(a => (long?)a.TariffId).FirstOrDefaultAsync().ConfigureAwait(false);
        }

        if (tariffId is null && stationId is not null)
        {
            tariffId = await db.TariffAssignments.Where(a => a.StationId == stationId && a.EvseId == null && a.GroupIdToken == null && live.Any(t => t.Id == a.TariffId)).Select(a => (long?)a.TariffId).FirstOrDefaultAsync().ConfigureAwait(false);
        }

        tariffId ??= await live.Where(t => t.IsDefault).Select(t => (long?)t.Id).FirstOrDefaultAsync().ConfigureAwait(false);
        if (tariffId is null)
        {
            return null;
        }

        var version = await db.Tariffs.Where(t => t.Id == tariffId).Select(t => t.Version).FirstAsync().ConfigureAwait(false);
        return await db.TariffVersions.FirstAsync(v => v.TariffId == tariffId && v.Version == version).ConfigureAwait(false);
    }

    /// <summary>The tariff text for a driver: language1, then language2, then the tariff's default text (I01).</summary>
    public static (string Text, string? Language)? Text(TariffDefinition tariff, string? language1, string? language2)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        foreach (var language in new[] { language1, language2 })
        {
            if (language is not null && tariff.Texts.TryGetValue(language, out var text))
            {
                return (text, language);
            }
        }

        return tariff.DefaultText is { } fallback ? (fallback, null) : null;
    }

    /// <summary>
    /// C01/I01, C17: completes an Accepted idTokenInfo: language2; NoCredit for a prepaid token with no balance left; the
    /// tariff text as personalMessage in the driver's language.
    /// </summary>
    public static async Task DecorateAsync(CsmsDbContext db, IdTokenInfoType info, IdTokenRecord record, string? stationId, int? evseId)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(record);
        info.Language2 = record.Language2;
        if (record.Balance is { } balance && balance <= 0)
        {
            info.Status = AuthorizationStatusEnumType.NoCredit; // C17
            return;
        }

        var version = await ResolveAsync(db, stationId, evseId, record.GroupIdToken).ConfigureAwait(false);
        var tariff = version is null ? null : Parse(version.Definition);
        if (record.Balance is not null && tariff is not null && !PaysIn(record, tariff.Currency))
        {
            info.Status = AuthorizationStatusEnumType.NoCredit; // C17: a balance in another currency cannot pay this tariff
            return;
        }

        if (tariff is not null && Text(tariff, record.Language, record.Language2) is { } text)
        {
            info.PersonalMessage = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text.Text, Language = text.Language };
        }
    }

    /// <summary>
    /// I02, I03: computes the transaction's cost up to <paramref name="end"/> from its stored events and stores the
    /// breakdown (in the writer's work <paramref name="db"/>); <paramref name="final"/> at the Ended event: then a
    /// prepaid token's balance is reduced by the total, once (C17). Null when no tariff applies.
    /// </summary>
    public async Task<TransactionCostRecord?> ComputeAsync(CsmsDbContext db, TransactionRecord tx, DateTimeOffset end, bool final)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tx);
        var cost = await db.TransactionCosts.FindAsync(tx.Id).ConfigureAwait(false);
        if (cost is { Final: true })
        {
            return cost;
        }

        IdTokenRecord? token = null;
        if (tx.IdToken is not null && tx.IdTokenType is not null)
        {
            var type = IdTokenEnumTypeSchema.FromWire(tx.IdTokenType);
            token = await db.IdTokens.FirstOrDefaultAsync(t => t.IdToken == tx.IdToken && t.Type == type).ConfigureAwait(false);
        }

        List<TariffVersionRecord> versions;
        if (cost is null)
        {
            var version = await ResolveAsync(db, tx.StationId, tx.EvseId, token?.GroupIdToken).ConfigureAwait(false);
            if (version is null)
            {
                return null;
            }

            versions = [version];
        }
        else
        {
            // I06: the version the transaction started with, then every later version of the same tariff from when it was made.
            versions = await db.TariffVersions.Where(v => v.TariffId == cost.TariffId && v.Version >= cost.TariffVersion)
                .OrderBy(v => v.Version).ToListAsync().ConfigureAwait(false);
        }

        var changes = versions.Select((v, i) => new TariffChange(i == 0 ? DateTimeOffset.MinValue : v.CreatedAt, Parse(v.Definition))).ToList();
        var tariff = changes[0].Tariff;
        var events = await db.TransactionEvents.Where(e => e.TransactionRecordId == tx.Id && !e.Late)
            .Select(e => new { e.Timestamp, e.ChargingState, e.MeterValues }).ToListAsync().ConfigureAwait(false);
        var readings = new List<EnergyReading>();
        foreach (var e in events.Where(e => e.MeterValues is not null))
        {
            foreach (var meterValue in Metering.FromDocument(e.MeterValues!))
            {
                foreach (var sample in meterValue.SampledValue)
                {
                    if (Metering.ImportRegisterWh(sample) is { } wh)
                    {
                        readings.Add(new EnergyReading(meterValue.Timestamp.ToUniversalTime(), wh));
                    }
                }
            }
        }

        var states = events.Where(e => e.ChargingState is not null).Select(e => new ChargingStateChange(e.Timestamp, e.ChargingState!)).ToList();
        var start = tx.StartedAt ?? (events.Count == 0 ? end : events.Min(e => e.Timestamp));
        var breakdown = TariffCalculator.Compute(changes, readings, states, start, end);
        if (cost is null)
        {
            var first = versions[0];
            cost = new TransactionCostRecord
            {
                TransactionRecordId = tx.Id, StationId = tx.StationId, TransactionId = tx.TransactionId, TariffId = first.TariffId,
                TariffVersion = first.Version, AnnouncedVersion = first.Version, Currency = tariff.Currency,
            };
            db.TransactionCosts.Add(cost);
        }

        cost.Energy = breakdown.Energy;
        cost.Time = breakdown.Time;
        cost.Idle = breakdown.Idle;
        cost.Fees = breakdown.Fees;
        cost.Tax = breakdown.Tax;
        cost.Total = breakdown.Total;
        cost.EnergyKwh = breakdown.EnergyKwh;
        cost.ComputedAt = time.GetUtcNow();
        cost.Final = final;
        if (final && !cost.BalanceCharged && token?.Balance is { } balance && PaysIn(token, cost.Currency))
        {
            token.Balance = balance - cost.Total; // C17: the balance pays the total, exactly once
            token.UpdatedAt = cost.ComputedAt;
            cost.BalanceCharged = true;
        }

        return cost;
    }

    /// <summary>Whether a prepaid token's balance is in <paramref name="currency"/> (a balance without a currency pays in any).</summary>
    private static bool PaysIn(IdTokenRecord token, string currency) =>
        token.BalanceCurrency is null || string.Equals(token.BalanceCurrency, currency, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// I06: when the transaction's tariff has a version newer than the one the driver was last told about, the new
    /// version's text in the driver's language (language1, language2, default) for updatedPersonalMessage, and the
    /// version is marked as told (in the writer's work <paramref name="db"/>); null otherwise.
    /// </summary>
    public static async Task<MessageContentType?> TariffUpdateAsync(CsmsDbContext db, TransactionRecord tx)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(tx);
        var cost = await db.TransactionCosts.FindAsync(tx.Id).ConfigureAwait(false);
        if (cost is null || cost.Final)
        {
            return null;
        }

        var told = Math.Max(cost.AnnouncedVersion, cost.TariffVersion);
        var latest = await db.TariffVersions.Where(v => v.TariffId == cost.TariffId && v.Version > told)
            .OrderByDescending(v => v.Version).FirstOrDefaultAsync().ConfigureAwait(false);
        if (latest is null)
        {
            return null;
        }

        cost.AnnouncedVersion = latest.Version;
        var definition = Parse(latest.Definition);
        if (definition.Currency != cost.Currency)
        {
            return null; // a version in another currency does not apply to a running transaction
        }

        IdTokenRecord? token = null;
        if (tx.IdToken is not null && tx.IdTokenType is not null)
        {
            var type = IdTokenEnumTypeSchema.FromWire(tx.IdTokenType);
            token = await db.IdTokens.AsNoTracking().FirstOrDefaultAsync(t => t.IdToken == tx.IdToken && t.Type == type).ConfigureAwait(false);
        }

        return Text(definition, token?.Language, token?.Language2) is { } text
            ? new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text.Text, Language = text.Language }
            : null;
    }

    // I02 Show EV Driver Running Total Cost During Charging; C17 (a spent prepaid balance stops the transaction).
    /// <summary>
    /// Computes the cost of every active transaction of the stations connected to this node, sends CostUpdated, stops those
    /// whose prepaid balance is spent. Each node of a cluster runs it for its own stations, so a station hears it once.
    /// </summary>
    public async Task UpdateRunningCostsAsync(CancellationToken cancellationToken)
    {
        List<TransactionRecord> active;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            active = await db.Transactions.AsNoTracking().Where(t => t.State == Transactions.Active).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var tx in active.Where(t => sessions.IsConnected(t.StationId)))
        {
            var now = time.GetUtcNow();
            var outcome = await writer.ExecuteForStationAsync(tx.StationId, async w =>
            {
                var cost = await ComputeAsync(w, tx, now, final: false).ConfigureAwait(false);
                var stop = false;
                if (cost is not null && !cost.StopRequested && tx.IdToken is not null && tx.IdTokenType is not null)
                {
                    var type = IdTokenEnumTypeSchema.FromWire(tx.IdTokenType);
                    var balance = await w.IdTokens.Where(t => t.IdToken == tx.IdToken && t.Type == type).Select(t => t.Balance).FirstOrDefaultAsync().ConfigureAwait(false);
                    if (balance is { } left && cost.Total >= left)
                    {
                        cost.StopRequested = stop = true;
                    }
                }

                return (Total: cost?.Total, Stop: stop);
            }, cancellationToken).ConfigureAwait(false);
            if (outcome.Total is not { } total)
            {
                continue;
            }

            try
            {
                await router.CallAsync(tx.StationId, new CostUpdatedRequest { TransactionId = tx.TransactionId, TotalCost = total }, cancellationToken).ConfigureAwait(false);
                if (outcome.Stop)
                {
                    // C17: the prepaid balance is spent: the CSMS stops the transaction.
                    logger.LogInformation("{StationId} transaction {TransactionId}: prepaid balance spent at {Total}; RequestStopTransaction", tx.StationId, tx.TransactionId, total);
                    await router.CallAsync(tx.StationId, new RequestStopTransactionRequest { TransactionId = tx.TransactionId }, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is StationNotConnectedException or OcppCallTimeoutException or OcppConnectionClosedException or OcppCallErrorException or OcppPayloadException)
            {
                logger.LogWarning("{StationId} transaction {TransactionId}: cost update not delivered: {Error}", tx.StationId, tx.TransactionId, ex.Message);
            }
        }
    }
}
