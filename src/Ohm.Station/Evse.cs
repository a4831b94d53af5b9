using Ohm.Ocpp.Messages;

namespace Ohm.Station;

/// <summary>The live state of one EVSE (with its connector 1), as the simulator and the transaction logic see it.</summary>
public sealed class Evse
{
    internal Evse(int id) => Id = id;

    /// <summary>EVSE id.</summary>
    public int Id { get; }

    /// <summary>The connector id (this stack models one connector per EVSE).</summary>
    public int ConnectorId { get; } = 1;

    /// <summary>Whether a cable is plugged in (EV connected).</summary>
    public bool Plugged { get; internal set; }

    /// <summary>Whether the parking bay is occupied (sensor), independently of the cable.</summary>
    public bool BayOccupied { get; internal set; }

    /// <summary>The idToken authorized on this EVSE, or null.</summary>
    public IdTokenType? AuthorizedToken { get; internal set; }

    /// <summary>C09: the groupIdToken of the authorized idToken, when the station learned it with the authorization.</summary>
    public IdTokenType? AuthorizedGroup { get; internal set; }

    /// <summary>C09.FR.03: the idToken of the group that stopped the transaction, sent with the next event.</summary>
    internal IdTokenType? StopToken { get; set; }

    /// <summary>The remote start id the authorization came with, if any.</summary>
    public int? RemoteStartId { get; internal set; }

    /// <summary>When the current authorization happened (for EVConnectionTimeOut).</summary>
    public DateTimeOffset? AuthorizedAt { get; internal set; }

    /// <summary>Whether the CSMS refused the token of the running transaction (energy is then withheld).</summary>
    public bool Deauthorized { get; internal set; }

    /// <summary>With StopTxOnInvalidId false: the register reading at which energy stops (MaxEnergyOnInvalidId), if any.</summary>
    public decimal? InvalidIdEnergyLimitWh { get; internal set; }

    /// <summary>Whether this EVSE was made Inoperative by ChangeAvailability.</summary>
    public bool Inoperative { get; internal set; }

    /// <summary>Whether the hardware reports a fault at this EVSE (connector status Faulted, the relay kept open).</summary>
    public bool Faulted { get; internal set; }

    /// <summary>The availability change waiting for the transaction to end, if any.</summary>
    public OperationalStatusEnumType? ScheduledAvailability { get; internal set; }

    /// <summary>The energy register, in Wh, as the meter read it last.</summary>
    public decimal EnergyWh { get; internal set; }

    /// <summary>The power, in W, as the meter read it last.</summary>
    public decimal PowerW { get; internal set; }

    /// <summary>The running transaction, or null.</summary>
    public TransactionState? Transaction { get; internal set; }

    /// <summary>The connector status last sent to the CSMS.</summary>
    public ConnectorStatusEnumType? ReportedStatus { get; internal set; }

    internal DateTimeOffset LastEnergyUpdate { get; set; }
}

/// <summary>A transaction as the station keeps it, persisted after every event.</summary>
public sealed class TransactionState
{
    /// <summary>The station-generated transaction id (a UUID).</summary>
    public required string Id { get; init; }

    /// <summary>The next seqNo to use: starts at 0 and only grows.</summary>
    public int NextSeqNo { get; set; }

    /// <summary>The charging state last reported.</summary>
    public ChargingStateEnumType ChargingState { get; set; }

    /// <summary>The idToken last sent in an event of this transaction.</summary>
    public string? ReportedIdToken { get; set; }

    /// <summary>When it started.</summary>
    public DateTimeOffset StartedAt { get; set; }

    /// <summary>The energy register when it started, in Wh.</summary>
    public decimal StartEnergyWh { get; set; }

    /// <summary>The remote start id, if it was started remotely.</summary>
    public int? RemoteStartId { get; set; }

    /// <summary>H03: the reservation the transaction used, sent in its Started event.</summary>
    public int? ReservationId { get; set; }

    /// <summary>Whether the remote start id was reported already.</summary>
    public bool RemoteStartIdSent { get; set; }

    /// <summary>The conditions (TxStartPoint/TxStopPoint values) that held at the last evaluation.</summary>
    public List<string> Conditions { get; set; } = [];

    /// <summary>When the last TxEndedInterval sample was taken.</summary>
    public DateTimeOffset LastEndedSample { get; set; }

    /// <summary>Samples gathered for the Ended event (TxEndedInterval, AlignedDataCtrlr.TxEndedInterval).</summary>
    public List<MeterValueType> EndedSamples { get; set; } = [];

    /// <summary>When the last periodic sample was taken.</summary>
    public DateTimeOffset LastSample { get; set; }

    /// <summary>How long energy flowed in this transaction, in seconds (TimeSpentCharging).</summary>
    public double ChargingSeconds { get; set; }
}
