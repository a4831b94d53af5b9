namespace Ohm.Station.Hardware;

/// <summary>The hardware a station drives, one seam each; a charger maker implements them, the simulator by default.</summary>
public sealed class StationHardware
{
    /// <summary>The meters.</summary>
    public required IEnergyMeter Meter { get; init; }

    /// <summary>The connector locks.</summary>
    public required IConnectorLock ConnectorLock { get; init; }

    /// <summary>The relays.</summary>
    public required IPowerPath PowerPath { get; init; }

    /// <summary>The output control that smart charging limits.</summary>
    public required IChargingRateControl RateControl { get; init; }

    /// <summary>The display.</summary>
    public required IStationDisplay Display { get; init; }

    /// <summary>The EV side.</summary>
    public required IEvCommunication Ev { get; init; }

    /// <summary>The firmware installer.</summary>
    public required IFirmwareInstaller Firmware { get; init; }

    /// <summary>The sensors.</summary>
    public required ISensors Sensors { get; init; }

    /// <summary>The EV's ISO 15118 high-level communication (K15-K17); null for a charger without it (basic charging only).</summary>
    public IEvHighLevelCommunication? HighLevelCommunication { get; init; }

    /// <summary>The Plug &amp; Charge side of ISO 15118 (the EV's contract certificates, C07, M01/M02); null for a charger without it.</summary>
    public IEvContractCertificates? ContractCertificates { get; init; }

    /// <summary>Every seam served by one simulator.</summary>
    public static StationHardware Of(Simulation.SimulatedHardware simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        return new StationHardware
        {
            Meter = simulator,
            ConnectorLock = simulator,
            PowerPath = simulator,
            RateControl = simulator,
            Display = simulator,
            Ev = simulator,
            Firmware = simulator,
            Sensors = simulator,
            HighLevelCommunication = simulator,
            ContractCertificates = simulator,
        };
    }
}
