namespace Ohm.Csms;

/// <summary>Settings of the CSMS's OCPP behaviour (section <c>Csms</c> of the configuration).</summary>
public sealed class CsmsOptions
{
    /// <summary>Accept any station identity without a password (development only).</summary>
    public bool AcceptUnknown { get; set; }

    /// <summary>The heartbeat interval sent in BootNotificationResponse, in seconds. Default 300.</summary>
    public int HeartbeatInterval { get; set; } = 300;

    /// <summary>The interval, in seconds, after which a Pending or Rejected station may boot again. Default 60.</summary>
    public int BootRetryInterval { get; set; } = 60;

    /// <summary>
    /// Seconds a station that connects without an accepted registration has to send BootNotification; its connection is
    /// closed then. Default 60.
    /// </summary>
    public int BootDeadlineSeconds { get; set; } = 60;

    /// <summary>
    /// C16: the groupIdToken of master passes (as stations hold it in AuthCtrlr.MasterPassGroupId), or null for none.
    /// A token of this group may stop any transaction; a TransactionEvent in which it would start or authorize one is
    /// answered Invalid.
    /// </summary>
    public string? MasterPassGroupId { get; set; }

    /// <summary>I02: seconds between the CostUpdated messages of running transactions that have a tariff; 0 sends none. Default 60.</summary>
    public int CostUpdateIntervalSeconds { get; set; } = 60;

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (HeartbeatInterval is < 1 or > 86400)
        {
            yield return $"Csms:HeartbeatInterval must be between 1 and 86400 seconds (is {HeartbeatInterval}).";
        }

        if (BootRetryInterval is < 1 or > 86400)
        {
            yield return $"Csms:BootRetryInterval must be between 1 and 86400 seconds (is {BootRetryInterval}).";
        }

        if (BootDeadlineSeconds is < 1 or > 86400)
        {
            yield return $"Csms:BootDeadlineSeconds must be between 1 and 86400 seconds (is {BootDeadlineSeconds}).";
        }

        if (CostUpdateIntervalSeconds is < 0 or > 86400)
        {
            yield return $"Csms:CostUpdateIntervalSeconds must be between 0 (off) and 86400 seconds (is {CostUpdateIntervalSeconds}).";
        }
    }
}
