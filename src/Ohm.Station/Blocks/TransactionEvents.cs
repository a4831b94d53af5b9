using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// E: the TransactionEvents of the running transactions, numbered from seqNo 0; the next seqNo is persisted before an
/// event is queued, so that no seqNo is ever used twice. Transactions, Metering (J01) and RemoteControl (F06) send
/// through it.
/// </summary>
internal sealed class TransactionEvents
{
    private readonly IStationContext _context;

    internal TransactionEvents(IStationContext context) => _context = context;

    /// <summary>Queues a TransactionEvent of the EVSE's transaction with the next seqNo. Call under the gate.</summary>
    internal void Emit(
        Evse evse,
        TransactionEventEnumType type,
        TriggerReasonEnumType trigger,
        ReasonEnumType? stoppedReason = null,
        MeterValueType? meter = null,
        ChargingStateEnumType? chargingState = null,
        List<MeterValueType>? earlier = null)
    {
        var tx = evse.Transaction ?? throw new InvalidOperationException("No transaction on EVSE " + evse.Id);
        var seqNo = tx.NextSeqNo++;
        // C09.FR.03: a token of the group that stops the transaction goes with the event it causes.
        var token = evse.StopToken ?? evse.AuthorizedToken;
        evse.StopToken = null;
        var sendToken = token is not null && token.IdToken != tx.ReportedIdToken;
        if (sendToken)
        {
            tx.ReportedIdToken = token!.IdToken;
        }

        var request = new TransactionEventRequest
        {
            EventType = type,
            Timestamp = _context.Now,
            TriggerReason = trigger,
            SeqNo = seqNo,
            TransactionInfo = new TransactionType
            {
                TransactionId = tx.Id,
                ChargingState = chargingState,
                StoppedReason = type == TransactionEventEnumType.Ended ? stoppedReason : null,
                RemoteStartId = tx.RemoteStartId is not null && !tx.RemoteStartIdSent ? tx.RemoteStartId : null,
                TimeSpentCharging = type == TransactionEventEnumType.Ended ? (int)tx.ChargingSeconds : null,
            },
            Evse = seqNo == 0 || type == TransactionEventEnumType.Started ? new EVSEType { Id = evse.Id, ConnectorId = evse.ConnectorId } : null,
            IdToken = sendToken ? token : null,
            ReservationId = type == TransactionEventEnumType.Started ? tx.ReservationId : null,
            MeterValue = Meters(earlier, meter),
        };
        if (request.TransactionInfo.RemoteStartId is not null)
        {
            tx.RemoteStartIdSent = true;
        }

        // Persist the next seqNo before the event can leave, so that no seqNo is ever used twice.
        _context.SaveEvse(evse);
        _context.Enqueue(request);
        _context.Report($"TransactionEvent {type} {trigger} seqNo {seqNo} ({tx.Id})");
    }

    private static List<MeterValueType>? Meters(List<MeterValueType>? earlier, MeterValueType? last)
    {
        var all = new List<MeterValueType>(earlier ?? []);
        if (last is not null)
        {
            all.Add(last);
        }

        return all.Count == 0 ? null : all;
    }
}
