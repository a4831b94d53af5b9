using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block G, Availability, on the CSMS side.</summary>
public sealed class Availability(ILogger<Availability> logger)
{
    // G01: Status Notification
    public ValueTask<StatusNotificationResponse> StatusNotificationAsync(StatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        logger.LogInformation(
            "{StationId} EVSE {EvseId} connector {ConnectorId} is {Status}",
            context.StationId,
            request.EvseId,
            request.ConnectorId,
            request.ConnectorStatus.ToWire());
        return ValueTask.FromResult(new StatusNotificationResponse());
    }
}
