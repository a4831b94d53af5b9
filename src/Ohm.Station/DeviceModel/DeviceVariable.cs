using System.Globalization;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.DeviceModel;

/// <summary>Identifies a component: name, instance and, for EVSE or connector components, where it sits.</summary>
public sealed record ComponentKey(string Name, string? Instance = null, int? EvseId = null, int? ConnectorId = null)
{
    /// <summary>The key of a component as written in a message.</summary>
    public static ComponentKey From(ComponentType component)
    {
        ArgumentNullException.ThrowIfNull(component);
        return new(component.Name, component.Instance, component.Evse?.Id, component.Evse?.ConnectorId);
    }

    /// <summary>The component as written in a message.</summary>
    public ComponentType ToMessage() => new()
    {
        Name = Name,
        Instance = Instance,
        Evse = EvseId is { } evse ? new EVSEType { Id = evse, ConnectorId = ConnectorId } : null,
    };

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}|{Instance}|{EvseId}|{ConnectorId}");
}

/// <summary>One attribute of a variable, with its current value.</summary>
public sealed class AttributeState
{
    /// <summary>Actual, Target, MinSet or MaxSet.</summary>
    public required AttributeEnumType Type { get; init; }

    /// <summary>The current value.</summary>
    public string? Value { get; set; }

    /// <summary>Mutability.</summary>
    public required MutabilityEnumType Mutability { get; init; }

    /// <summary>Whether it survives a reboot.</summary>
    public bool Persistent { get; init; } = true;

    /// <summary>Whether it never changes.</summary>
    public bool Constant { get; init; }
}

/// <summary>A variable of a component, with its characteristics and attributes.</summary>
public sealed class DeviceVariable
{
    /// <summary>The component.</summary>
    public required ComponentKey Component { get; init; }

    /// <summary>Variable name.</summary>
    public required string Name { get; init; }

    /// <summary>Variable instance.</summary>
    public string? Instance { get; init; }

    /// <summary>Data type.</summary>
    public required DataEnumType DataType { get; init; }

    /// <summary>Unit.</summary>
    public string? Unit { get; init; }

    /// <summary>Minimum.</summary>
    public decimal? MinLimit { get; init; }

    /// <summary>Maximum (maximum length for strings).</summary>
    public decimal? MaxLimit { get; init; }

    /// <summary>Allowed values of a list type.</summary>
    public string? ValuesList { get; init; }

    /// <summary>Whether a new value takes effect only after a reboot.</summary>
    public bool RebootRequired { get; init; }

    /// <summary>Whether monitors may be set on it (N04).</summary>
    public bool SupportsMonitoring { get; init; }

    /// <summary>Whether its data type is a number (integer or decimal): only those take threshold monitors.</summary>
    public bool IsNumeric => DataType is DataEnumType.Integer or DataEnumType.Decimal;

    /// <summary>The attributes by type.</summary>
    public required Dictionary<AttributeEnumType, AttributeState> Attributes { get; init; }

    /// <summary>The persistence key of one attribute.</summary>
    public string Key(AttributeEnumType type) =>
        string.Create(CultureInfo.InvariantCulture, $"{Component}/{Name}|{Instance}/{type}");

    /// <summary>The variable as written in a message.</summary>
    public VariableType ToMessage() => new() { Name = Name, Instance = Instance };

    /// <summary>The characteristics as written in a report.</summary>
    public VariableCharacteristicsType Characteristics() => new()
    {
        DataType = DataType,
        Unit = Unit,
        MinLimit = MinLimit,
        MaxLimit = MaxLimit,
        ValuesList = ValuesList,
        SupportsMonitoring = SupportsMonitoring,
    };

    /// <summary>Checks a value against the characteristics; null when it is acceptable, otherwise why not.</summary>
    public string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        switch (DataType)
        {
            case DataEnumType.Integer:
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
                {
                    return "not an integer";
                }

                return CheckRange(i);
            case DataEnumType.Decimal:
                if (!decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d))
                {
                    return "not a decimal";
                }

                return CheckRange(d);
            case DataEnumType.Boolean:
                return value is "true" or "false" ? null : "not a boolean (true or false)";
            case DataEnumType.DateTime:
                return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _) ? null : "not a dateTime";
            case DataEnumType.String:
                return MaxLimit is { } max && value.Length > max ? "too long" : null;
            case DataEnumType.OptionList:
                return Allowed().Contains(value) ? null : "not one of " + ValuesList;
            case DataEnumType.MemberList:
            case DataEnumType.SequenceList:
                {
                    if (value.Length == 0)
                    {
                        return null;
                    }

                    var items = value.Split(',');
                    var allowed = Allowed();
                    if (items.Any(item => !allowed.Contains(item)))
                    {
                        return "each member must be one of " + ValuesList;
                    }

                    return items.Distinct(StringComparer.Ordinal).Count() != items.Length ? "a member appears twice" : null;
                }

            default:
                return null;
        }
    }

    private HashSet<string> Allowed() =>
        new((ValuesList ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);

    private string? CheckRange(decimal value) =>
        MinLimit is { } min && value < min ? string.Create(CultureInfo.InvariantCulture, $"below the minimum {min}")
        : MaxLimit is { } max && value > max ? string.Create(CultureInfo.InvariantCulture, $"above the maximum {max}")
        : null;
}
