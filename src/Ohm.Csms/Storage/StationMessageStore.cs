using System.Text;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Storage;

/// <summary>
/// Stores a station's message as it was received (<see cref="StationMessageRecord"/>), for the handlers whose block
/// keeps no tables of its own yet. A handler awaits it before answering: persist before acknowledging.
/// </summary>
public sealed class StationMessageStore(CsmsWriter writer, TimeProvider time)
{
    /// <summary>Stores the CALL being handled, with its payload exactly as received.</summary>
    public Task StoreAsync(OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var record = new StationMessageRecord
        {
            StationId = context.StationId,
            Action = context.Action.Name,
            MessageId = context.MessageId,
            ReceivedAt = time.GetUtcNow(),
            Payload = Encoding.UTF8.GetString(context.Payload.Span),
        };
        return writer.ExecuteForStationAsync(context.StationId, db => db.Statements<StationMessageRecord>().InsertAsync(record, cancellationToken), cancellationToken);
    }
}
