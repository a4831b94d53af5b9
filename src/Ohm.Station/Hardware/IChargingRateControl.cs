namespace Ohm.Station.Hardware;

/// <summary>
/// The charger's output control: the PWM duty cycle offered to an AC EV, or the setpoint of a DC converter. Block K
/// sets it from the EVSE's composite schedule; the EV then draws at most this.
/// </summary>
public interface IChargingRateControl
{
    /// <summary>Limits what an EVSE may deliver, in W (0: the EV must pause); null lifts the limit (the charger's own maximum).</summary>
    void SetLimit(int evseId, decimal? watts);

    /// <summary>The limit in force at an EVSE, in W; null for none.</summary>
    decimal? Limit(int evseId);
}
