namespace Ohm.Station.Hardware;

/// <summary>The EV side of each EVSE, as the charger's control pilot (and later ISO 15118) tells it.</summary>
public interface IEvCommunication
{
    /// <summary>Whether an EV is plugged in.</summary>
    bool IsPlugged(int evseId);

    /// <summary>The power the EV asks for, in W (0: the EV suspends).</summary>
    decimal RequestedPowerW(int evseId);

    /// <summary>The EV's state of charge in percent, when the EV reports it; null otherwise.</summary>
    decimal? StateOfCharge(int evseId);
}
