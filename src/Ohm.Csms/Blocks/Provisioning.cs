using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block B, Provisioning, on the CSMS side.</summary>
public sealed class Provisioning(CsmsOptions options, ILogger<Provisioning> logger)
{
    // B01: Cold Boot Charging Station
    public ValueTask<BootNotificationResponse> BootNotificationAsync(BootNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        logger.LogInformation(
            "{StationId} booted ({Reason}): {Vendor} {Model}, firmware {Firmware}",
            context.StationId,
            request.Reason.ToWire(),
            request.ChargingStation.VendorName,
            request.ChargingStation.Model,
            request.ChargingStation.FirmwareVersion ?? "unknown");
        return ValueTask.FromResult(new BootNotificationResponse
        {
            CurrentTime = DateTimeOffset.UtcNow,
            Interval = options.HeartbeatInterval,
            Status = RegistrationStatusEnumType.Accepted,
        });
    }

    // G02: Heartbeat
    public ValueTask<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        logger.LogInformation("{StationId} heartbeat", context.StationId);
        return ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow });
    }
}
