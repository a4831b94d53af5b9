using Ohm.Ocpp.Messages;

namespace Ohm.Station.Hardware;

/// <summary>The meter of each EVSE: what Metering (J) and the transactions read; the station never computes a value itself.</summary>
public interface IEnergyMeter
{
    /// <summary>Reads one measurand at an EVSE now; null when this meter does not measure it.</summary>
    MeterReading? Read(int evseId, MeasurandEnumType measurand);
}
