using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block E, Transactions, on the CSMS side. Every TransactionEvent is stored; the transaction's state is derived in
/// seqNo order, so an out-of-order or replayed event never rewinds it; an exact duplicate (same transaction and seqNo)
/// is acknowledged and not applied twice; an event after Ended is stored as late and changes nothing; a transaction
/// whose Started never arrived is created from its first event; an idToken that arrives after the start is attached.
/// </summary>
public sealed class Transactions(CsmsWriter writer, IStationCallRouter router, ILogger<Transactions> logger)
{
    internal const string Active = "Active";
    internal const string Ended = "Ended";

    // E01-E08 (start points, started and ended), E09-E12 (stop and offline), J02 (meter values in a transaction).
    public async ValueTask<TransactionEventResponse> TransactionEventAsync(TransactionEventRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var stationId = context.StationId;
        var now = DateTimeOffset.UtcNow;
        var (response, note) = await writer.ExecuteAsync(db => ApplyAsync(db, stationId, request, now, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (note is not null)
        {
            logger.LogInformation("{StationId} transaction {TransactionId} seqNo {SeqNo}: {Note}", stationId, request.TransactionInfo.TransactionId, request.SeqNo, note);
        }

        return response;
    }

    private static async Task<(TransactionEventResponse Response, string? Note)> ApplyAsync(
        CsmsDbContext db, string stationId, TransactionEventRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var info = request.TransactionInfo;
        var tx = await CompiledQueries.FindTransaction(db, stationId, info.TransactionId).ConfigureAwait(false);
        string? note = null;
        if (tx is null)
        {
            tx = new TransactionRecord { StationId = stationId, TransactionId = info.TransactionId, UpdatedAt = now };
            db.Transactions.Add(tx);
            if (request.EventType != TransactionEventEnumType.Started)
            {
                note = $"created from a {request.EventType.ToWire()} event; its Started event has not arrived";
            }
        }
        else if (await CompiledQueries.HasEvent(db, tx.Id, request.SeqNo).ConfigureAwait(false))
        {
            return (await ResponseAsync(db, request, tx, cancellationToken).ConfigureAwait(false), "duplicate; acknowledged, not applied again");
        }

        var late = tx.State == Ended;
        var outOfOrder = !late && request.SeqNo < tx.LastSeqNo;
        var timestamp = request.Timestamp.ToUniversalTime();
        var record = new TransactionEventRecord
        {
            Transaction = tx,
            StationId = stationId,
            TransactionId = info.TransactionId,
            SeqNo = request.SeqNo,
            EventType = request.EventType.ToWire(),
            Timestamp = timestamp,
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
        };
        db.TransactionEvents.Add(record);
        if (request.MeterValue is { Count: > 0 } meterValues)
        {
            db.SampledValues.AddRange(Metering.Records(stationId, request.Evse?.Id ?? tx.EvseId ?? 0, info.TransactionId, record, meterValues));
        }

        tx.EventCount++;
        if (late)
        {
            return (await ResponseAsync(db, request, tx, cancellationToken).ConfigureAwait(false), "arrived after Ended; stored as late, not applied");
        }

        Apply(tx, request, record, outOfOrder);
        tx.UpdatedAt = now;
        var response = await ResponseAsync(db, request, tx, cancellationToken).ConfigureAwait(false);
        if (response.IdTokenInfo is { } tokenInfo)
        {
            tx.AuthorizationStatus = tokenInfo.Status.ToWire();
        }

        return (response, note ?? (outOfOrder ? $"out of order (after seqNo {tx.LastSeqNo}); stored, state not rewound" : null));
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

    private static async Task<TransactionEventResponse> ResponseAsync(CsmsDbContext db, TransactionEventRequest request, TransactionRecord tx, CancellationToken cancellationToken) =>
        new()
        {
            IdTokenInfo = request.IdToken is null
                ? null
                : await Authorization.ResolveAsync(db, request.IdToken, request.Evse?.Id ?? tx.EvseId, tx.Id, cancellationToken).ConfigureAwait(false),
        };

    // E14 Check Transaction status
    public Task<GetTransactionStatusResponse> GetTransactionStatusAsync(string stationId, string? transactionId, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, new GetTransactionStatusRequest { TransactionId = transactionId }, cancellationToken);
}
