using System.Globalization;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Simulation;

/// <summary>
/// The simulated sensors (N: what monitors watch): the Temperature of each EVSE's AcDcConverter, heating with the power
/// it delivers and cooling when idle, and the station's TemperatureSensor (the enclosure), which follows the converters a
/// little. Each temperature moves towards its target as a first-order lag with <see cref="ThermalTimeConstant"/>, on the
/// simulator's clock; <see cref="SetSensor"/> puts one at a value, from which it moves on.
/// </summary>
public sealed partial class SimulatedHardware
{
    private readonly Dictionary<(string Component, int? Evse, string Variable), Thermal> _sensors = [];

    /// <summary>The temperature around the station, in degrees Celsius: where idle temperatures settle.</summary>
    public decimal AmbientTemperature { get; set; } = 25m;

    /// <summary>How fast temperatures follow their targets (about 63 % of the way in this time).</summary>
    public TimeSpan ThermalTimeConstant { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The target of a converter's temperature at <paramref name="powerW"/>: ambient, plus up to 45 degrees at high power.</summary>
    public decimal ConverterTarget(decimal powerW) => AmbientTemperature + (45m * (decimal)(1 - Math.Exp(-(double)powerW / 20000d)));

    /// <inheritdoc/>
    public string? Read(ComponentKey component, string variable)
    {
        ArgumentNullException.ThrowIfNull(component);
        lock (_lock)
        {
            return Sensor(component, variable) is { } sensor ? Math.Round(sensor.Value, 1).ToString("0.0", CultureInfo.InvariantCulture) : null;
        }
    }

    /// <summary>
    /// Simulator input: puts a sensor at <paramref name="value"/> (the console's <c>set EVSE 1 AcDcConverter Temperature
    /// 85</c>); it moves on from there. False when the simulator has no such sensor.
    /// </summary>
    public bool SetSensor(ComponentKey component, string variable, decimal value)
    {
        ArgumentNullException.ThrowIfNull(component);
        lock (_lock)
        {
            if (Sensor(component, variable) is not { } sensor)
            {
                return false;
            }

            sensor.Value = value;
            return true;
        }
    }

    /// <summary>The sensor brought up to now, or null when there is none. Call under the lock.</summary>
    private Thermal? Sensor(ComponentKey component, string variable)
    {
        if (variable != "Temperature")
        {
            return null;
        }

        if (component.Name == "AcDcConverter" && component.EvseId is { } evse)
        {
            var outlet = Integrate(evse);
            var power = outlet.Closed && outlet.Plugged ? Drawn(outlet) : 0m;
            return Advance(("AcDcConverter", evse, variable), ConverterTarget(power));
        }

        if (component.Name == "TemperatureSensor" && component.EvseId is null)
        {
            var converters = _outlets.Keys.Select(id => Sensor(new ComponentKey("AcDcConverter", EvseId: id), variable)!.Value).ToList();
            var mean = converters.Count == 0 ? AmbientTemperature : converters.Average();
            return Advance(("TemperatureSensor", null, variable), AmbientTemperature + ((mean - AmbientTemperature) / 4m));
        }

        return null;
    }

    private Thermal Advance((string Component, int? Evse, string Variable) key, decimal target)
    {
        var now = _clock.GetUtcNow();
        if (!_sensors.TryGetValue(key, out var sensor))
        {
            sensor = new Thermal { Value = AmbientTemperature, Updated = now };
            _sensors[key] = sensor;
        }

        var seconds = (now - sensor.Updated).TotalSeconds;
        if (seconds > 0)
        {
            var keep = (decimal)Math.Exp(-seconds / Math.Max(1, ThermalTimeConstant.TotalSeconds));
            sensor.Value = target + ((sensor.Value - target) * keep);
            sensor.Updated = now;
        }

        return sensor;
    }

    private sealed class Thermal
    {
        public decimal Value { get; set; }

        public DateTimeOffset Updated { get; set; }
    }
}
