namespace Ohm.Station.Hardware;

/// <summary>The relay (contactor) between the grid and each EVSE's outlet.</summary>
public interface IPowerPath
{
    /// <summary>Closes the relay: energy may flow (PowerPathClosed).</summary>
    void Close(int evseId);

    /// <summary>Opens the relay: no energy flows.</summary>
    void Open(int evseId);

    /// <summary>Whether the relay is closed.</summary>
    bool IsClosed(int evseId);

    /// <summary>Whether energy flows now (the relay is closed and the EV draws power): EnergyTransfer, TimeSpentCharging.</summary>
    bool EnergyFlows(int evseId);
}
