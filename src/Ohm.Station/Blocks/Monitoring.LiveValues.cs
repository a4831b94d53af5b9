using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

public sealed partial class Monitoring
{
    /// <summary>
    /// The live Actual value of a variable the hardware measures, or null: Power and Current of the ChargingStation (the
    /// sum over its EVSEs), of an EVSE and of its connector from the meter; every other measured value (AcDcConverter
    /// and TemperatureSensor Temperature, say) from the sensors.
    /// </summary>
    internal string? LiveValue(DeviceVariable variable, AttributeEnumType type)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (type != AttributeEnumType.Actual)
        {
            return null;
        }

        var component = variable.Component;
        var measurand = (component.Name, variable.Name) switch
        {
            ("ChargingStation" or "EVSE" or "Connector", "Power") => MeasurandEnumType.PowerActiveImport,
            ("ChargingStation" or "EVSE" or "Connector", "Current") => MeasurandEnumType.CurrentImport,
            _ => (MeasurandEnumType?)null,
        };
        if (measurand is not { } m || (component.Name != "ChargingStation" && component.EvseId is null))
        {
            return _context.Hardware.Sensors.Read(component, variable.Name);
        }

        IReadOnlyList<int> evses = component.EvseId is { } evse ? [evse] : _context.Model.EvseIds;
        var readings = evses.Select(id => _context.Hardware.Meter.Read(id, m)).ToList();
        if (readings.Any(r => r is null))
        {
            return null;
        }

        return Math.Round(readings.Sum(r => r!.Value), 2).ToString("0.##", CultureInfo.InvariantCulture);
    }
}
