using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms;

/// <summary>
/// The routing table of the CSMS: every action a station may send, with the block method that serves it (a test walks
/// the action table); only an action of the CSMS's own role, sent by a station, is answered with NotSupported. Until a
/// station is Accepted, only BootNotification and messages the CSMS triggered get through; anything else is answered with SecurityError (B02.FR.09, B03.FR.07).
/// </summary>
public sealed class CsmsRouting(
    Provisioning provisioning, Authorization authorization, Transactions transactions, Metering metering, Availability availability, DataTransfer dataTransfer,
    Security security, SmartCharging smartCharging, Firmware firmware, Iso15118Certificates iso15118Certificates, Diagnostics diagnostics, LogRetrieval logRetrieval, DisplayMessage displayMessage,
    Reservation reservation, CustomerInformation customerInformation, TimeProvider time)
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
        .On(OcppActions.DataTransfer, dataTransfer.DataTransferAsync)                      // P01
        .On(OcppActions.SecurityEventNotification, security.SecurityEventNotificationAsync) // A04
        .On(OcppActions.SignCertificate, security.SignCertificateAsync)                     // A02, A03
        .On(OcppActions.ReservationStatusUpdate, reservation.ReservationStatusUpdateAsync)  // H01
        .On(OcppActions.ReportChargingProfiles, smartCharging.ReportChargingProfilesAsync)  // K09
        .On(OcppActions.NotifyChargingLimit, smartCharging.NotifyChargingLimitAsync)        // K11, K12
        .On(OcppActions.ClearedChargingLimit, smartCharging.ClearedChargingLimitAsync)      // K13
        .On(OcppActions.NotifyEVChargingNeeds, smartCharging.NotifyEVChargingNeedsAsync)    // K15
        .On(OcppActions.NotifyEVChargingSchedule, smartCharging.NotifyEVChargingScheduleAsync) // K17
        .On(OcppActions.FirmwareStatusNotification, firmware.FirmwareStatusNotificationAsync) // L01
        .On(OcppActions.PublishFirmwareStatusNotification, firmware.PublishFirmwareStatusNotificationAsync) // L03
        .On(OcppActions.Get15118EVCertificate, iso15118Certificates.Get15118EVCertificateAsync) // M01, M02
        .On(OcppActions.GetCertificateStatus, iso15118Certificates.GetCertificateStatusAsync) // M06
        .On(OcppActions.LogStatusNotification, logRetrieval.LogStatusNotificationAsync)    // N01
        .On(OcppActions.NotifyMonitoringReport, diagnostics.NotifyMonitoringReportAsync)    // N02
        .On(OcppActions.NotifyEvent, diagnostics.NotifyEventAsync)                          // N07, N08
        .On(OcppActions.NotifyCustomerInformation, customerInformation.NotifyCustomerInformationAsync) // N09, N10
        .On(OcppActions.NotifyDisplayMessages, displayMessage.NotifyDisplayMessagesAsync);  // O03, O04

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
