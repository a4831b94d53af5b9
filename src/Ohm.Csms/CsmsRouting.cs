using Ohm.Csms.Blocks;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms;

/// <summary>
/// The routing table of the CSMS: every action a station may send, with the block method that serves it. An action
/// that is not listed here is answered with NotSupported.
/// </summary>
public static class CsmsRouting
{
    /// <summary>The handlers of the CSMS.</summary>
    public static OcppHandlers Build(Provisioning provisioning, Availability availability)
    {
        ArgumentNullException.ThrowIfNull(provisioning);
        ArgumentNullException.ThrowIfNull(availability);
        return new OcppHandlers()
            .On(OcppActions.BootNotification, provisioning.BootNotificationAsync)
            .On(OcppActions.Heartbeat, provisioning.HeartbeatAsync)
            .On(OcppActions.StatusNotification, availability.StatusNotificationAsync);
    }
}
