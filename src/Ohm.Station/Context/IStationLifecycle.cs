using Ohm.Ocpp.Messages;

namespace Ohm.Station.Context;

/// <summary>The station's boot and restart, for Provisioning (B01, B11, B12, F06 TriggerMessage(BootNotification)).</summary>
internal interface IStationLifecycle
{
    /// <summary>The reason the next BootNotification gives.</summary>
    BootReasonEnumType BootReason { get; set; }

    /// <summary>Sends the next BootNotification now instead of after the retry interval.</summary>
    void BootNow();

    /// <summary>Tears the session down and boots again with a fresh device model read from the store.</summary>
    void RequestRestart(BootReasonEnumType reason);
}
