using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Station;

/// <summary>
/// The routing table of the station role: every CSMS-to-station action the station handles, with its block method.
/// An action missing here is answered NotSupported by Ohm.Ocpp. While the CSMS has not accepted the station, calls
/// are refused with SecurityError, except those B02 allows while Pending.
/// </summary>
internal static class StationRouting
{
    /// <summary>What the CSMS may ask while the registration is Pending (B02.FR.02, B02.FR.03).</summary>
    private static readonly HashSet<string> AllowedWhilePending = new(StringComparer.Ordinal)
    {
        OcppActions.GetVariables.Name,
        OcppActions.SetVariables.Name,
        OcppActions.GetBaseReport.Name,
        OcppActions.GetReport.Name,
        OcppActions.TriggerMessage.Name,
        OcppActions.ChangeAvailability.Name,
        OcppActions.Reset.Name,
        OcppActions.DataTransfer.Name,
    };

    public static OcppHandlers Build(ChargingStation s) => new OcppHandlers()
        // B Provisioning
        .On(OcppActions.GetVariables, Guard(s, OcppActions.GetVariables, s.Provisioning.GetVariables))                  // B06
        .On(OcppActions.SetVariables, Guard(s, OcppActions.SetVariables, s.Provisioning.SetVariables))                  // B05
        .On(OcppActions.GetBaseReport, Guard(s, OcppActions.GetBaseReport, s.Provisioning.GetBaseReport))               // B07
        .On(OcppActions.GetReport, Guard(s, OcppActions.GetReport, s.Provisioning.GetReport))                           // B08
        .On(OcppActions.Reset, Guard(s, OcppActions.Reset, s.Provisioning.Reset))                                       // B11, B12
        .On(OcppActions.SetNetworkProfile, Guard(s, OcppActions.SetNetworkProfile, s.NetworkProfiles.SetNetworkProfile)) // B09, A05
        // C Authorization
        .On(OcppActions.ClearCache, Guard(s, OcppActions.ClearCache, s.Authorization.ClearCache))                       // C11
        // D LocalAuthorizationListManagement
        .On(OcppActions.SendLocalList, Guard(s, OcppActions.SendLocalList, s.LocalAuthList.SendLocalList))              // D01
        .On(OcppActions.GetLocalListVersion, Guard(s, OcppActions.GetLocalListVersion, s.LocalAuthList.GetLocalListVersion)) // D02
        // E Transactions
        .On(OcppActions.GetTransactionStatus, Guard(s, OcppActions.GetTransactionStatus, s.Transactions.GetTransactionStatus)) // E14
        // F RemoteControl
        .On(OcppActions.RequestStartTransaction, Guard(s, OcppActions.RequestStartTransaction, s.RemoteControl.RequestStartTransaction)) // F01, F02
        .On(OcppActions.RequestStopTransaction, Guard(s, OcppActions.RequestStopTransaction, s.RemoteControl.RequestStopTransaction))    // F03
        .On(OcppActions.UnlockConnector, Guard(s, OcppActions.UnlockConnector, s.RemoteControl.UnlockConnector))        // F05
        .On(OcppActions.TriggerMessage, Guard(s, OcppActions.TriggerMessage, s.RemoteControl.TriggerMessage))           // F06
        // G Availability
        .On(OcppActions.ChangeAvailability, Guard(s, OcppActions.ChangeAvailability, s.Availability.ChangeAvailability)) // G03, G04
        // O DisplayMessage
        .On(OcppActions.SetDisplayMessage, Guard(s, OcppActions.SetDisplayMessage, s.DisplayMessage.SetDisplayMessage))       // O01, O02, O06
        .On(OcppActions.GetDisplayMessages, Guard(s, OcppActions.GetDisplayMessages, s.DisplayMessage.GetDisplayMessages))    // O03, O04
        .On(OcppActions.ClearDisplayMessage, Guard(s, OcppActions.ClearDisplayMessage, s.DisplayMessage.ClearDisplayMessage)) // O05
        // I TariffAndCost
        .On(OcppActions.CostUpdated, Guard(s, OcppActions.CostUpdated, s.TariffCost.CostUpdated))                     // I02
        // H Reservation
        .On(OcppActions.ReserveNow, Guard(s, OcppActions.ReserveNow, s.Reservation.ReserveNow))                         // H01
        .On(OcppActions.CancelReservation, Guard(s, OcppActions.CancelReservation, s.Reservation.CancelReservation))    // H02
        // K SmartCharging
        .On(OcppActions.SetChargingProfile, Guard(s, OcppActions.SetChargingProfile, s.SmartCharging.SetChargingProfile))       // K01, K02, K03
        .On(OcppActions.GetCompositeSchedule, Guard(s, OcppActions.GetCompositeSchedule, s.SmartCharging.GetCompositeSchedule)) // K08
        .On(OcppActions.GetChargingProfiles, Guard(s, OcppActions.GetChargingProfiles, s.SmartCharging.GetChargingProfiles))    // K09
        .On(OcppActions.ClearChargingProfile, Guard(s, OcppActions.ClearChargingProfile, s.SmartCharging.ClearChargingProfile)) // K10
        // A Security
        .On(OcppActions.CertificateSigned, Guard(s, OcppActions.CertificateSigned, s.Security.CertificateSigned))                  // A02, A03
        // M ISO15118CertificateManagement
        .On(OcppActions.InstallCertificate, Guard(s, OcppActions.InstallCertificate, s.Iso15118Certificates.InstallCertificate))    // M05
        .On(OcppActions.DeleteCertificate, Guard(s, OcppActions.DeleteCertificate, s.Iso15118Certificates.DeleteCertificate))       // M04
        .On(OcppActions.GetInstalledCertificateIds, Guard(s, OcppActions.GetInstalledCertificateIds, s.Iso15118Certificates.GetInstalledCertificateIds)) // M03
        // N Diagnostics (monitoring)
        .On(OcppActions.SetVariableMonitoring, Guard(s, OcppActions.SetVariableMonitoring, s.Monitoring.SetVariableMonitoring))       // N04
        .On(OcppActions.ClearVariableMonitoring, Guard(s, OcppActions.ClearVariableMonitoring, s.Monitoring.ClearVariableMonitoring)) // N06
        .On(OcppActions.SetMonitoringBase, Guard(s, OcppActions.SetMonitoringBase, s.Monitoring.SetMonitoringBase))                   // N03
        .On(OcppActions.SetMonitoringLevel, Guard(s, OcppActions.SetMonitoringLevel, s.Monitoring.SetMonitoringLevel))                // N05
        .On(OcppActions.GetMonitoringReport, Guard(s, OcppActions.GetMonitoringReport, s.Monitoring.GetMonitoringReport))             // N02
        // L FirmwareManagement
        .On(OcppActions.UpdateFirmware, Guard(s, OcppActions.UpdateFirmware, s.Firmware.UpdateFirmware))                // L01, L02
        // N Diagnostics
        .On(OcppActions.CustomerInformation, Guard(s, OcppActions.CustomerInformation, s.CustomerInformation.Receive)) // N09, N10
        .On(OcppActions.GetLog, Guard(s, OcppActions.GetLog, s.LogUpload.GetLog))                                     // N01
        // P DataTransfer
        .On(OcppActions.DataTransfer, Guard(s, OcppActions.DataTransfer, s.DataTransfer.Receive));                     // P01

    private static OcppHandler<TRequest, TResponse> Guard<TRequest, TResponse>(ChargingStation station, OcppAction<TRequest, TResponse> action, OcppHandler<TRequest, TResponse> handler)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse =>
        (request, context, cancellationToken) =>
        {
            var registration = station.Registration;
            if (registration != RegistrationStatusEnumType.Accepted
                && (registration != RegistrationStatusEnumType.Pending || !AllowedWhilePending.Contains(action.Name)))
            {
                throw new OcppCallErrorException(action.Name, OcppErrorCode.SecurityError, $"{action.Name} is not allowed while the registration is {registration?.ToString() ?? "unknown"}.");
            }

            return handler(request, context, cancellationToken);
        };
}
