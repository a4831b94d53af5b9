namespace Ohm.Ocpp.Generator;

/// <summary>
/// Which role sends the CALL of each OCPP 2.0.1 action (Part 2, the use cases of blocks A to P).
/// The schemas do not carry this, so it is the one hand-written input of the generator.
/// </summary>
internal static class ActionRoles
{
    public const string ChargingStation = "ChargingStation";
    public const string Csms = "Csms";
    public const string Both = "Both";

    private static readonly string[] StationToCsms =
    [
        "Authorize", "BootNotification", "ClearedChargingLimit", "FirmwareStatusNotification",
        "Get15118EVCertificate", "GetCertificateStatus", "Heartbeat", "LogStatusNotification", "MeterValues",
        "NotifyChargingLimit", "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyEVChargingNeeds",
        "NotifyEVChargingSchedule", "NotifyEvent", "NotifyMonitoringReport", "NotifyReport",
        "PublishFirmwareStatusNotification", "ReportChargingProfiles", "ReservationStatusUpdate",
        "SecurityEventNotification", "SignCertificate", "StatusNotification", "TransactionEvent",
    ];

    private static readonly string[] CsmsToStation =
    [
        "CancelReservation", "CertificateSigned", "ChangeAvailability", "ClearCache", "ClearChargingProfile",
        "ClearDisplayMessage", "ClearVariableMonitoring", "CostUpdated", "CustomerInformation", "DeleteCertificate",
        "GetBaseReport", "GetChargingProfiles", "GetCompositeSchedule", "GetDisplayMessages",
        "GetInstalledCertificateIds", "GetLocalListVersion", "GetLog", "GetMonitoringReport", "GetReport",
        "GetTransactionStatus", "GetVariables", "InstallCertificate", "PublishFirmware", "RequestStartTransaction",
        "RequestStopTransaction", "ReserveNow", "Reset", "SendLocalList", "SetChargingProfile", "SetDisplayMessage",
        "SetMonitoringBase", "SetMonitoringLevel", "SetNetworkProfile", "SetVariableMonitoring", "SetVariables",
        "TriggerMessage", "UnlockConnector", "UnpublishFirmware", "UpdateFirmware",
    ];

    public static string For(string action)
    {
        if (action == "DataTransfer")
        {
            return Both;
        }

        if (Array.IndexOf(StationToCsms, action) >= 0)
        {
            return ChargingStation;
        }

        if (Array.IndexOf(CsmsToStation, action) >= 0)
        {
            return Csms;
        }

        throw new InvalidOperationException($"Action '{action}' has no sender role in ActionRoles; add it there.");
    }

    public static int Count => StationToCsms.Length + CsmsToStation.Length + 1;
}
