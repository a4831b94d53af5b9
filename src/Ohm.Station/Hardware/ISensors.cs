using Ohm.Station.DeviceModel;

namespace Ohm.Station.Hardware;

/// <summary>The charger's sensors behind device-model variables (temperatures, fan speed...); monitoring reads them too.</summary>
public interface ISensors
{
    /// <summary>The live Actual value of a variable the hardware measures, or null when it measures none.</summary>
    string? Read(ComponentKey component, string variable);
}
