using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block H, Reservation, on the CSMS side: the station's reservation status updates are stored.</summary>
public sealed class Reservation(StationMessageStore messages)
{
    // H01 Reservation (H01.FR.17/18: the reservation expired or was removed): each ReservationStatusUpdate is stored.
    public async ValueTask<ReservationStatusUpdateResponse> ReservationStatusUpdateAsync(ReservationStatusUpdateRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new ReservationStatusUpdateResponse();
    }
}
