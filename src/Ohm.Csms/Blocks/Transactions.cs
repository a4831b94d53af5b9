using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Events;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block E, Transactions, on the CSMS side. Every TransactionEvent is stored; the transaction's state is derived in
/// seqNo order, so an out-of-order or replayed event never rewinds it; an exact duplicate (same transaction and seqNo)
/// is acknowledged and not applied twice; an event after Ended is stored as late and changes nothing; a transaction
/// whose Started never arrived is created from its first event; an idToken that arrives after the start is attached.
/// </summary>
public sealed class Transactions(CsmsWriter writer, Authorization authorization, IStationCallRouter router, BackgroundWork background, TimeProvider time, ILogger<Transactions> logger, TariffCost? tariffs = null, ISmartChargingSignals? signals = null, IFleetChanges? changes = null)
{
    internal const string Active = "Active";
    internal const string Ended = "Ended";

    // E01-E08 (start points, started and ended), E09-E12 (stop and offline), J02 (meter values in a transaction).
    public async ValueTask<TransactionEventResponse> TransactionEventAsync(TransactionEventRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var stationId = context.StationId;
        var transactionId = request.TransactionInfo.TransactionId;
        var open = (context.Connection.State as StationSession)?.Transactions;
        var now = time.GetUtcNow();

        // The meter values as the station wrote them (read from the payload now: it is valid only while the handler runs).
        var meterValues = Metering.Document(context.Payload, request.MeterValue);

        // The connection's token may cancel waiting for the writer, never the statements: they run in a batch shared with
        // other stations, which a cancelled statement would abort.
        var outcome = await writer.ExecuteForStationAsync(stationId, db => ApplyAsync(db, stationId, request, meterValues, open, now, CancellationToken.None), cancellationToken).ConfigureAwait(false);

        // The event is committed: only now may the session's copy of the transaction move on.
        if (open is not null)
        {
            if (outcome.Stored.State == Ended)
            {
                open.Forget(transactionId);
            }
            else
            {
                open.Keep(outcome.Before, outcome.Stored, request.SeqNo);
            }
        }

        if (outcome.Note is not null)
        {
            logger.LogInformation("{StationId} transaction {TransactionId} seqNo {SeqNo}: {Note}", stationId, transactionId, request.SeqNo, outcome.Note);
        }

        // E14: the transaction ended with seqNos missing (or offline): ask the station whether messages are still queued,
        // once this answer is persisted and on its way, never from inside the handler the station waits on.
        if (outcome.Ended && (request.Offline == true || HasGaps(outcome.Before.SeqNos, request.SeqNo)))
        {
            background.Start($"E14 GetTransactionStatus of {stationId} transaction {transactionId}", ct => CheckStatusAsync(stationId, transactionId, ct));
        }

        // K: a site's balancer reallocates when a transaction starts, changes or ends, and follows its measured power.
        signals?.TransactionChanged(stationId, request.Evse?.Id ?? outcome.Stored.EvseId);
        if (request.MeterValue is { Count: > 0 })
        {
            signals?.MeterValuesStored(stationId, request.Evse?.Id ?? outcome.Stored.EvseId);
        }

        // The console's live views: the event is committed (a duplicate stored nothing new).
        if (!outcome.Duplicate)
        {
            changes?.Publish(new FleetChange(
                FleetChangeKind.Transaction, stationId, now, request.Evse?.Id ?? outcome.Stored.EvseId, request.Evse?.ConnectorId ?? outcome.Stored.ConnectorId,
                request.EventType.ToWire(), transactionId));
        }

        return outcome.Response;
    }

    /// <summary>
    /// Stores the event and the transaction's new state. The session's copy of the transaction (or the stored row when the
    /// session has none) is not changed: the new state is returned and kept by the caller once the write is committed.
    /// </summary>
    private async Task<Outcome> ApplyAsync(
        CsmsDbContext db, string stationId, TransactionEventRequest request, string? meterValues, StationTransactions? open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var info = request.TransactionInfo;
        var known = open?.Find(info.TransactionId) ?? await LoadAsync(db, stationId, info.TransactionId, cancellationToken).ConfigureAwait(false);
        string? note = null;
        TransactionRecord tx;
        if (known is null)
        {
            tx = new TransactionRecord { StationId = stationId, TransactionId = info.TransactionId, UpdatedAt = now };
            if (request.EventType != TransactionEventEnumType.Started)
            {
                note = $"created from a {request.EventType.ToWire()} event; its Started event has not arrived";
            }
        }
        else if (known.SeqNos.Contains(request.SeqNo))
        {
            var again = await ResponseAsync(db, request, known.Row).ConfigureAwait(false);
            return new(again, "duplicate; acknowledged, not applied again", known, known.Row, false, Duplicate: true);
        }
        else
        {
            tx = known.Row.Clone();
        }

        var late = tx.State == Ended;
        var outOfOrder = !late && request.SeqNo < tx.LastSeqNo;
        var record = Record(stationId, request, meterValues, now, late, outOfOrder);
        tx.EventCount++;
        TransactionEventResponse response;
        if (late)
        {
            response = await ResponseAsync(db, request, tx).ConfigureAwait(false);
            note = "arrived after Ended; stored as late, not applied";
        }
        else
        {
            Apply(tx, request, record, outOfOrder);
            tx.UpdatedAt = now;
            response = await ResponseAsync(db, request, tx).ConfigureAwait(false);
            if (response.IdTokenInfo is { } tokenInfo)
            {
                tx.AuthorizationStatus = tokenInfo.Status.ToWire();
            }

            note ??= outOfOrder ? $"out of order (after seqNo {tx.LastSeqNo}); stored, state not rewound" : null;
        }

        if (known is null)
        {
            tx.Id = await db.Statements<TransactionRecord>().InsertAsync(tx, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await db.Statements<TransactionRecord>().UpdateAsync(known.Row, tx, tx.Id, cancellationToken).ConfigureAwait(false);
        }

        record.TransactionRecordId = tx.Id;
        record.Id = await db.Statements<TransactionEventRecord>().InsertAsync(record, cancellationToken).ConfigureAwait(false);
        if (tariffs is not null && !late && request.EventType == TransactionEventEnumType.Ended)
        {
            response.TotalCost = (await tariffs.ComputeAsync(db, tx, tx.EndedAt ?? now, final: true).ConfigureAwait(false))?.Total; // I03
        }
        else if (tariffs is not null && known is null && !late)
        {
            await tariffs.ComputeAsync(db, tx, record.Timestamp, final: false).ConfigureAwait(false); // the tariff the transaction starts with
        }
        else if (tariffs is not null && !late)
        {
            response.UpdatedPersonalMessage = await TariffCost.TariffUpdateAsync(db, tx).ConfigureAwait(false); // I06
        }

        // H03: the event that carries a reservationId marks the reservation Used, in the same write.
        if (!late && request.ReservationId is { } reservationId)
        {
            await Reservation.MarkUsedAsync(db, stationId, reservationId, info.TransactionId, now).ConfigureAwait(false);
        }

        return new(response, note, known ?? new KnownTransaction(tx, []), tx, !late && request.EventType == TransactionEventEnumType.Ended);
    }

    private static async Task<KnownTransaction?> LoadAsync(CsmsDbContext db, string stationId, string transactionId, CancellationToken cancellationToken)
    {
        var row = await CompiledQueries.FindTransaction(db, stationId, transactionId).ConfigureAwait(false);
        return row is null ? null : new KnownTransaction(row, await CompiledQueries.SeqNos(db, row.Id, cancellationToken).ConfigureAwait(false));
    }

    private static TransactionEventRecord Record(string stationId, TransactionEventRequest request, string? meterValues, DateTimeOffset now, bool late, bool outOfOrder)
    {
        var info = request.TransactionInfo;
        return new TransactionEventRecord
        {
            StationId = stationId,
            TransactionId = info.TransactionId,
            SeqNo = request.SeqNo,
            EventType = request.EventType.ToWire(),
            Timestamp = request.Timestamp.ToUniversalTime(),
            TriggerReason = request.TriggerReason.ToWire(),
            Offline = request.Offline ?? false,
            NumberOfPhasesUsed = request.NumberOfPhasesUsed,
            CableMaxCurrent = request.CableMaxCurrent,
            ReservationId = request.ReservationId,
            ChargingState = info.ChargingState?.ToWire(),
            StoppedReason = info.StoppedReason?.ToWire(),
            RemoteStartId = info.RemoteStartId,
            EvseId = request.Evse?.Id,
            ConnectorId = request.Evse?.ConnectorId,
            IdToken = request.IdToken?.IdToken,
            IdTokenType = request.IdToken?.Type.ToWire(),
            Late = late,
            OutOfOrder = outOfOrder,
            ReceivedAt = now,
            MeterValues = meterValues,
        };
    }

    private static void Apply(TransactionRecord tx, TransactionEventRequest request, TransactionEventRecord e, bool outOfOrder)
    {
        // What the event tells for the first time is taken whatever its order; what changes over time only in order.
        if (request.EventType == TransactionEventEnumType.Started)
        {
            tx.StartedReceived = true;
            tx.StartedAt = e.Timestamp;
        }
        else if (!tx.StartedReceived && (tx.StartedAt is null || e.Timestamp < tx.StartedAt))
        {
            tx.StartedAt = e.Timestamp;
        }

        if (request.IdToken is { } token && (tx.IdToken is null || !outOfOrder))
        {
            tx.IdToken = token.IdToken;
            tx.IdTokenType = e.IdTokenType;
        }

        tx.EvseId = outOfOrder ? tx.EvseId ?? e.EvseId : e.EvseId ?? tx.EvseId;
        tx.ConnectorId = outOfOrder ? tx.ConnectorId ?? e.ConnectorId : e.ConnectorId ?? tx.ConnectorId;
        tx.RemoteStartId ??= e.RemoteStartId;
        tx.ReservationId ??= e.ReservationId;
        if (!outOfOrder)
        {
            tx.ChargingState = e.ChargingState ?? tx.ChargingState;
            tx.LastSeqNo = e.SeqNo;
        }

        if (request.EventType == TransactionEventEnumType.Ended)
        {
            tx.State = Ended;
            tx.EndedAt = e.Timestamp;
            tx.EndedSeqNo = e.SeqNo;
            tx.StoppedReason = e.StoppedReason ?? "Local";
            tx.LastSeqNo = Math.Max(tx.LastSeqNo, e.SeqNo);
        }

        foreach (var meterValue in request.MeterValue ?? [])
        {
            var at = meterValue.Timestamp.ToUniversalTime();
            foreach (var sample in meterValue.SampledValue)
            {
                if (Metering.ImportRegisterWh(sample) is not { } wh)
                {
                    continue;
                }

                if (tx.MeterStartAt is null || at < tx.MeterStartAt)
                {
                    tx.MeterStartAt = at;
                    tx.MeterStartWh = wh;
                }

                if (tx.MeterLastAt is null || at >= tx.MeterLastAt)
                {
                    tx.MeterLastAt = at;
                    tx.MeterLastWh = wh;
                }
            }
        }
    }

    private async Task<TransactionEventResponse> ResponseAsync(CsmsDbContext db, TransactionEventRequest request, TransactionRecord tx) =>
        new()
        {
            IdTokenInfo = request.IdToken is null
                ? null
                : await authorization.ResolveForEventAsync(() => db, request, request.Evse?.Id ?? tx.EvseId, tx.Id, tx.StationId).ConfigureAwait(false), // C03, C09, C16
        };

    /// <summary>What storing one event gave: the answer, a note for the log, the transaction before and as stored now, whether it ended it, whether it was a duplicate.</summary>
    private sealed record Outcome(TransactionEventResponse Response, string? Note, KnownTransaction Before, TransactionRecord Stored, bool Ended, bool Duplicate = false);

    /// <summary>Whether a seqNo below the Ended event's is missing.</summary>
    private static bool HasGaps(HashSet<int> before, int endedSeqNo)
    {
        for (var n = 0; n < endedSeqNo; n++)
        {
            if (!before.Contains(n))
            {
                return true;
            }
        }

        return false;
    }

    // E14 Check Transaction status, asked by the CSMS itself after an Ended with gaps: the answer is recorded on the transaction.
    private async Task CheckStatusAsync(string stationId, string transactionId, CancellationToken cancellationToken)
    {
        GetTransactionStatusResponse? response = null;
        string? error = null;
        try
        {
            response = await GetTransactionStatusAsync(stationId, transactionId, cancellationToken).ConfigureAwait(false);
        }
        catch (StationNotConnectedException)
        {
            error = "The station is not connected.";
        }
        catch (OcppCallTimeoutException)
        {
            error = "The station did not answer in time.";
        }
        catch (OcppConnectionClosedException)
        {
            error = "The connection closed before the station answered.";
        }
        catch (OcppCallErrorException ex)
        {
            error = $"CALLERROR {ex.Code.ToWire()}: {ex.Description}";
        }
        catch (OcppPayloadException ex)
        {
            error = $"The answer breaks the schema: {ex.Error}";
        }

        if (error is null)
        {
            logger.LogInformation("{StationId} transaction {TransactionId} ended with gaps; GetTransactionStatus: messagesInQueue {Queued}, ongoing {Ongoing}", stationId, transactionId, response!.MessagesInQueue, response.OngoingIndicator);
        }
        else
        {
            logger.LogWarning("{StationId} transaction {TransactionId} ended with gaps; GetTransactionStatus got no answer: {Error}", stationId, transactionId, error);
        }

        var now = time.GetUtcNow();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var row = await db.Transactions.FirstOrDefaultAsync(t => t.StationId == stationId && t.TransactionId == transactionId, CancellationToken.None).ConfigureAwait(false);
            if (row is not null)
            {
                row.StatusCheckedAt = now;
                row.StatusMessagesInQueue = response?.MessagesInQueue;
                row.StatusOngoing = response?.OngoingIndicator;
                row.StatusCheckError = error;
            }
        }, CancellationToken.None).ConfigureAwait(false);
    }

    // E14 Check Transaction status
    public Task<GetTransactionStatusResponse> GetTransactionStatusAsync(string stationId, string? transactionId, CancellationToken cancellationToken) =>
        GetTransactionStatusAsync(stationId, new GetTransactionStatusRequest { TransactionId = transactionId }, cancellationToken);

    // E14 Check Transaction status, the request as given.
    public Task<GetTransactionStatusResponse> GetTransactionStatusAsync(string stationId, GetTransactionStatusRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);
}
