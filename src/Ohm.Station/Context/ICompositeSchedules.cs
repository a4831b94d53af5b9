using Ohm.Ocpp.Messages;

namespace Ohm.Station.Context;

/// <summary>
/// Block K's view for the blocks that follow the limits (ISO 15118 load levelling, the simulator's power): the composite
/// schedule of an EVSE, the TxProfile in force, and a signal when either may have changed.
/// </summary>
public interface ICompositeSchedules
{
    /// <summary>K08: the composite schedule of an EVSE (0: the station) from now over <paramref name="durationSeconds"/>, in <paramref name="unit"/> (null: the station's preferred unit); null when no profile applies.</summary>
    CompositeScheduleType? Compose(int evseId, int durationSeconds, ChargingRateUnitEnumType? unit = null);

    /// <summary>The TxProfile in force for the EVSE's transaction, if any.</summary>
    ChargingProfileType? TxProfile(int evseId);

    /// <summary>Raised with the EVSE id (0: every EVSE) when the profiles or limits that apply to it changed.</summary>
    event Action<int>? Changed;
}
