namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A charging profile a station holds (block K), as it accepted it (SetChargingProfile Accepted, from the API or a site
/// balancer) or as it reported it (ReportChargingProfiles). One per station, EVSE and profile id; a new accepted profile
/// replaces the one of the same id, or of the same purpose and stackLevel on the same EVSE, as the station does.
/// </summary>
public sealed class ChargingProfileRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The EVSE it is set on; 0 for the station as a whole.</summary>
    public int EvseId { get; set; }

    /// <summary>The profile's id (chargingProfile.id).</summary>
    public int ProfileId { get; set; }

    /// <summary>ChargingStationMaxProfile, TxDefaultProfile, TxProfile or ChargingStationExternalConstraints (wire spelling).</summary>
    public required string Purpose { get; set; }

    public int StackLevel { get; set; }

    /// <summary>Absolute, Recurring or Relative (wire spelling).</summary>
    public required string Kind { get; set; }

    /// <summary>The transaction of a TxProfile; null for the other purposes.</summary>
    public string? TransactionId { get; set; }

    /// <summary>The ChargingProfileType as JSON, as sent or reported.</summary>
    public required string Profile { get; set; }

    /// <summary>Where the CSMS learnt it: Api, Balancer or Report.</summary>
    public required string Source { get; set; }

    /// <summary>The chargingLimitSource it carries (CSO for what the CSMS set; a report says).</summary>
    public required string LimitSource { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A GetChargingProfiles the CSMS sent (K09) with the station's answer and, as they arrive, the ReportChargingProfiles
/// parts of its requestId (<see cref="ChargingProfileReportPartRecord"/>). A report the CSMS did not ask for is kept too.
/// </summary>
public sealed class ChargingProfileReportRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int RequestId { get; set; }

    /// <summary>The EVSE asked about; null for every EVSE.</summary>
    public int? EvseId { get; set; }

    /// <summary>The ChargingProfileCriterionType sent, as JSON; null for a report the CSMS did not ask for.</summary>
    public string? Criteria { get; set; }

    /// <summary>The station's GetChargingProfiles answer: Accepted or NoProfiles; null before it answered (or unasked).</summary>
    public string? Status { get; set; }

    /// <summary>Whether the last part (tbc false) arrived, or the station answered NoProfiles.</summary>
    public bool Complete { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

/// <summary>One ReportChargingProfiles part of a report, in arrival order.</summary>
public sealed class ChargingProfileReportPartRecord
{
    public long Id { get; set; }

    public long ReportId { get; set; }

    public int EvseId { get; set; }

    /// <summary>The part's chargingLimitSource (wire spelling).</summary>
    public required string LimitSource { get; set; }

    public bool Tbc { get; set; }

    /// <summary>The part's chargingProfile list, as the ReportChargingProfilesRequest JSON it came in.</summary>
    public required string Part { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An external charging limit a station reported (K11, K12, NotifyChargingLimit), until it reports it cleared (K13).</summary>
public sealed class ChargingLimitRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The EVSE it applies to; 0 when the station gave none (the whole station).</summary>
    public int EvseId { get; set; }

    /// <summary>EMS, Other, SO or CSO (wire spelling).</summary>
    public required string Source { get; set; }

    public bool? IsGridCritical { get; set; }

    /// <summary>The NotifyChargingLimitRequest as JSON (its chargingSchedule, when given).</summary>
    public required string Limit { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An EV's charging needs (K15, K17 NotifyEVChargingNeeds), with the transaction of its EVSE and what the CSMS sent for it.</summary>
public sealed class EvChargingNeedsRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    /// <summary>The EVSE's active transaction when the needs arrived; null when none was.</summary>
    public string? TransactionId { get; set; }

    public int? MaxScheduleTuples { get; set; }

    /// <summary>The ChargingNeedsType as JSON.</summary>
    public required string Needs { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The TxProfile the CSMS computed for the needs and sent, as JSON; null when none was (a balancer serves them, or no transaction).</summary>
    public string? SentProfile { get; set; }

    /// <summary>How sending it went (Accepted, Rejected, NotConnected, NoAnswer, CallError), with the reason when there is one.</summary>
    public string? SentStatus { get; set; }
}

/// <summary>The charging schedule an EV chose (K15, K17 NotifyEVChargingSchedule).</summary>
public sealed class EvChargingScheduleRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    /// <summary>The EVSE's active transaction when it arrived; null when none was.</summary>
    public string? TransactionId { get; set; }

    public DateTimeOffset TimeBase { get; set; }

    /// <summary>The ChargingScheduleType as JSON.</summary>
    public required string Schedule { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
