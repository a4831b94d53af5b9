using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms;

/// <summary>
/// The routing table of the CSMS: every action a station may send, with the block method that serves it. An action
/// that is not listed is answered with NotSupported. Until a station is Accepted, only BootNotification and messages
/// the CSMS triggered get through; anything else is answered with SecurityError (B02.FR.09, B03.FR.07).
/// </summary>
public sealed class CsmsRouting(Provisioning provisioning, Authorization authorization, Transactions transactions, Metering metering, Availability availability, DataTransfer dataTransfer, TimeProvider time)
{
    /// <summary>The handlers of the CSMS.</summary>
    public OcppHandlers Build() => new OcppHandlers()
        .Guard(RegisteredFirst)
        .On(OcppActions.BootNotification, provisioning.BootNotificationAsync)              // B01-B03
        .On(OcppActions.NotifyReport, provisioning.NotifyReportAsync)                      // B07, B08
        .On(OcppActions.Authorize, authorization.AuthorizeAsync)                           // C01
        .On(OcppActions.TransactionEvent, transactions.TransactionEventAsync)              // E01-E15
        .On(OcppActions.MeterValues, metering.MeterValuesAsync)                            // J01
        .On(OcppActions.StatusNotification, availability.StatusNotificationAsync)          // G01
        .On(OcppActions.Heartbeat, availability.HeartbeatAsync)                            // G02
        .On(OcppActions.DataTransfer, dataTransfer.DataTransferAsync);                     // P01

    /// <summary>
    /// Runs before routing, for every CALL whatever its action (a known one, one of the wrong role, an unknown name):
    /// until the station is Accepted only BootNotification and the messages the CSMS triggered pass; anything else is
    /// answered with SecurityError (B02.FR.09, B03.FR.07), never with NotSupported.
    /// </summary>
    private void RegisteredFirst(OcppConnection connection, string action)
    {
        var session = StationSessions.Of(connection);
        session.LastSeenAt = time.GetUtcNow();
        if (session.IsAccepted || action == OcppActions.BootNotification.Name || session.ConsumeTriggered(action))
        {
            return;
        }

        throw new OcppCallErrorException(
            action,
            OcppErrorCode.SecurityError,
            session.RegistrationStatus is null
                ? $"{action} before BootNotification: the station must boot first."
                : $"{action} while the station's registration is {session.RegistrationStatus}; only BootNotification is accepted.");
    }
}
