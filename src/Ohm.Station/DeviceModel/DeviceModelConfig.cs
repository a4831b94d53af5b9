using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ohm.Station.DeviceModel;

/// <summary>The JSON configuration a device model is built from (see Config/ac-2evse.json).</summary>
public sealed class DeviceModelConfig
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>What the station reports in BootNotification.</summary>
    public StationInfoConfig Station { get; set; } = new();

    /// <summary>The components with their variables.</summary>
    public List<ComponentConfig> Components { get; set; } = [];

    /// <summary>Reads a configuration.</summary>
    public static DeviceModelConfig Parse(string json) =>
        JsonSerializer.Deserialize<DeviceModelConfig>(json, Options) ?? throw new InvalidDataException("The device model configuration is empty.");

    /// <summary>Writes a configuration.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>One of the configurations shipped with the library: "ac-2evse" (the default) or "dc-fast".</summary>
    public static DeviceModelConfig Builtin(string name = "ac-2evse")
    {
        using var stream = typeof(DeviceModelConfig).Assembly.GetManifestResourceStream($"Ohm.Station.Config.{name}.json")
            ?? throw new ArgumentException($"No built-in configuration named '{name}'.", nameof(name));
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    /// <summary>Loads a configuration file.</summary>
    public static DeviceModelConfig Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Sets the Actual value of a variable in the configuration (before the model is built); returns this.</summary>
    public DeviceModelConfig With(string component, string variable, string value, string? instance = null)
    {
        var found = Components.Where(c => c.Name == component).SelectMany(c => c.Variables).Where(v => v.Name == variable && v.Instance == instance).ToList();
        if (found.Count == 0)
        {
            throw new ArgumentException($"No variable {component}.{variable} in the configuration.", nameof(variable));
        }

        foreach (var v in found)
        {
            if (v.Attributes is { } attributes)
            {
                attributes.First(a => a.Type == "Actual").Value = value;
            }
            else
            {
                v.Value = value;
            }
        }

        return this;
    }

    /// <summary>
    /// Returns a copy with <paramref name="evses"/> EVSEs: the EVSE and Connector components of EVSE 1 are the template
    /// for the others.
    /// </summary>
    public DeviceModelConfig WithEvseCount(int evses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(evses, 1);
        var copy = Parse(ToJson());
        var template = copy.Components.Where(c => c.Evse == 1).ToList();
        copy.Components.RemoveAll(c => c.Evse is not null);
        for (var id = 1; id <= evses; id++)
        {
            foreach (var component in template)
            {
                var clone = Parse(JsonSerializer.Serialize(new DeviceModelConfig { Components = [component] }, Options)).Components[0];
                clone.Evse = id;
                copy.Components.Add(clone);
            }
        }

        return copy;
    }
}

/// <summary>Identification of the station.</summary>
public sealed class StationInfoConfig
{
    /// <summary>Vendor name.</summary>
    public string VendorName { get; set; } = "Ohm";

    /// <summary>Model.</summary>
    public string Model { get; set; } = "Ohm AC 2x22";

    /// <summary>Serial number.</summary>
    public string? SerialNumber { get; set; }

    /// <summary>Firmware version.</summary>
    public string? FirmwareVersion { get; set; } = "0.1.0";
}

/// <summary>A component of the configuration.</summary>
public sealed class ComponentConfig
{
    /// <summary>Component name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Component instance.</summary>
    public string? Instance { get; set; }

    /// <summary>EVSE id, for EVSE-level components.</summary>
    public int? Evse { get; set; }

    /// <summary>Connector id within the EVSE, for connector-level components.</summary>
    public int? Connector { get; set; }

    /// <summary>The variables.</summary>
    public List<VariableConfig> Variables { get; set; } = [];
}

/// <summary>A variable of the configuration; <see cref="Value"/> and <see cref="Mutability"/> are a shorthand for one Actual attribute.</summary>
public sealed class VariableConfig
{
    /// <summary>Variable name.</summary>
    public string Name { get; set; } = "";

    /// <summary>Variable instance.</summary>
    public string? Instance { get; set; }

    /// <summary>string, decimal, integer, dateTime, boolean, OptionList, SequenceList or MemberList.</summary>
    public string DataType { get; set; } = "string";

    /// <summary>Unit.</summary>
    public string? Unit { get; set; }

    /// <summary>Minimum (or nothing).</summary>
    public decimal? MinLimit { get; set; }

    /// <summary>Maximum; for a string, its maximum length.</summary>
    public decimal? MaxLimit { get; set; }

    /// <summary>Comma-separated allowed values for the list types.</summary>
    public string? ValuesList { get; set; }

    /// <summary>Whether setting it takes effect only after a reboot (SetVariables answers RebootRequired).</summary>
    public bool RebootRequired { get; set; }

    /// <summary>Value of the Actual attribute (shorthand).</summary>
    public string? Value { get; set; }

    /// <summary>Mutability of the Actual attribute (shorthand): ReadOnly, WriteOnly, ReadWrite (default).</summary>
    public string? Mutability { get; set; }

    /// <summary>Explicit attributes; when present the shorthand is ignored.</summary>
    public List<AttributeConfig>? Attributes { get; set; }

    /// <summary>
    /// Whether monitors may be set on it (VariableCharacteristics.supportsMonitoring); when left out, true for a
    /// variable with a readable Actual attribute.
    /// </summary>
    public bool? SupportsMonitoring { get; set; }

    /// <summary>The monitors the station ships with on this variable: hard-wired and preconfigured (N03).</summary>
    public List<MonitorConfig>? Monitors { get; set; }
}

/// <summary>
/// A monitor the station ships with (N03). Its id is its position among all configured monitors, in configuration
/// order, from 1: the same on every start from the same configuration.
/// </summary>
public sealed class MonitorConfig
{
    /// <summary>UpperThreshold, LowerThreshold, Delta, Periodic or PeriodicClockAligned.</summary>
    public string Type { get; set; } = "UpperThreshold";

    /// <summary>The threshold, the delta, or the interval in seconds.</summary>
    public decimal Value { get; set; }

    /// <summary>Severity, 0 (Danger) to 9 (Debug).</summary>
    public int Severity { get; set; } = 5;

    /// <summary>Whether it is active only during a transaction.</summary>
    public bool Transaction { get; set; }

    /// <summary>
    /// Whether it is hard-wired: always active, never cleared or replaced by the CSMS; otherwise it is preconfigured.
    /// </summary>
    public bool HardWired { get; set; }

    /// <summary>Whether a preconfigured monitor belongs to the manufacturer's defaults (SetMonitoringBase FactoryDefault).</summary>
    public bool FactoryDefault { get; set; } = true;
}

/// <summary>One attribute of a variable.</summary>
public sealed class AttributeConfig
{
    /// <summary>Actual, Target, MinSet or MaxSet.</summary>
    public string Type { get; set; } = "Actual";

    /// <summary>Value.</summary>
    public string? Value { get; set; }

    /// <summary>ReadOnly, WriteOnly or ReadWrite.</summary>
    public string Mutability { get; set; } = "ReadWrite";

    /// <summary>Whether the value survives a reboot.</summary>
    public bool Persistent { get; set; } = true;

    /// <summary>Whether the value never changes.</summary>
    public bool Constant { get; set; }
}
