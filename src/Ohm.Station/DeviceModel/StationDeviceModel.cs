using System.Globalization;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.DeviceModel;

/// <summary>
/// The station's device model (OCPP 2.0.1 Part 1 ch. 4, Part 2 appendix): components, variables, attributes and
/// characteristics built from a <see cref="DeviceModelConfig"/>, with every value that was set kept in the
/// <see cref="StationStore"/> so that it survives a restart.
/// </summary>
public sealed class StationDeviceModel
{
    private static readonly string[] SummaryVariables = ["AvailabilityState", "Available", "Problem", "Active", "Enabled"];
    private readonly StationStore _store;
    private readonly Dictionary<(ComponentKey Component, string Name, string? Instance), DeviceVariable> _variables = [];
    private readonly HashSet<ComponentKey> _components = [];
    private readonly Lock _lock = new();

    /// <summary>Builds the model from <paramref name="config"/> and applies the values stored in <paramref name="store"/>.</summary>
    public StationDeviceModel(DeviceModelConfig config, StationStore store)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        Config = config;
        var stored = store.LoadVariables();
        foreach (var c in config.Components)
        {
            var component = new ComponentKey(c.Name, c.Instance, c.Evse, c.Connector);
            _components.Add(component);
            foreach (var v in c.Variables)
            {
                var attributes = (v.Attributes ?? [new AttributeConfig { Value = v.Value, Mutability = v.Mutability ?? "ReadWrite" }])
                    .Select(a => new AttributeState
                    {
                        Type = ParseAttribute(a.Type),
                        Value = a.Value,
                        Mutability = ParseMutability(a.Mutability),
                        Persistent = a.Persistent,
                        Constant = a.Constant,
                    })
                    .ToDictionary(a => a.Type);
                var variable = new DeviceVariable
                {
                    Component = component,
                    Name = v.Name,
                    Instance = v.Instance,
                    DataType = ParseDataType(v.DataType),
                    Unit = v.Unit,
                    MinLimit = v.MinLimit,
                    MaxLimit = v.MaxLimit,
                    ValuesList = v.ValuesList,
                    RebootRequired = v.RebootRequired,
                    SupportsMonitoring = v.SupportsMonitoring
                        ?? (attributes.TryGetValue(AttributeEnumType.Actual, out var actual) && actual.Mutability != MutabilityEnumType.WriteOnly),
                    Attributes = attributes,
                };
                foreach (var attribute in attributes.Values)
                {
                    if (stored.TryGetValue(variable.Key(attribute.Type), out var value))
                    {
                        attribute.Value = value;
                    }
                }

                _variables[(component, v.Name, v.Instance)] = variable;
            }
        }
    }

    /// <summary>The configuration the model was built from.</summary>
    public DeviceModelConfig Config { get; }

    /// <summary>Supplies values that live outside the model (ClockCtrlr.DateTime, say); null means the stored value.</summary>
    public Func<DeviceVariable, AttributeEnumType, string?>? LiveValue { get; set; }

    /// <summary>Raised after a value was set through <see cref="Set"/> or <see cref="SetInternal"/>.</summary>
    public event Action<DeviceVariable>? Changed;

    /// <summary>All variables, in configuration order.</summary>
    public IReadOnlyCollection<DeviceVariable> Variables => _variables.Values;

    /// <summary>The EVSE ids present in the model, ascending.</summary>
    public IReadOnlyList<int> EvseIds => _components.Where(c => c.Name == "EVSE" && c.EvseId is not null).Select(c => c.EvseId!.Value).Distinct().Order().ToList();

    /// <summary>The connector ids of an EVSE, ascending (at least connector 1).</summary>
    public IReadOnlyList<int> ConnectorIds(int evseId)
    {
        var ids = _components.Where(c => c.Name == "Connector" && c.EvseId == evseId && c.ConnectorId is not null).Select(c => c.ConnectorId!.Value).Distinct().Order().ToList();
        return ids.Count == 0 ? [1] : ids;
    }

    /// <summary>A variable, or null.</summary>
    public DeviceVariable? Find(ComponentKey component, string name, string? instance = null) =>
        _variables.GetValueOrDefault((component, name, instance));

    /// <summary>Whether the model has <paramref name="component"/>.</summary>
    public bool HasComponent(ComponentKey component) => _components.Contains(component);

    /// <summary>The Actual value of a variable as GetVariables reads it: the live value when there is one, else the stored one.</summary>
    public string? ActualValue(DeviceVariable variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (!variable.Attributes.TryGetValue(AttributeEnumType.Actual, out var attribute))
        {
            return null;
        }

        lock (_lock)
        {
            return LiveValue?.Invoke(variable, AttributeEnumType.Actual) ?? attribute.Value;
        }
    }

    /// <summary>The Actual value of a station-level component's variable, or null.</summary>
    public string? Value(string component, string variable, string? instance = null) =>
        Find(new ComponentKey(component), variable, instance)?.Attributes.GetValueOrDefault(AttributeEnumType.Actual)?.Value;

    /// <summary>An integer variable, or <paramref name="fallback"/> when absent or unreadable.</summary>
    public int Number(string component, string variable, int fallback, string? instance = null) =>
        int.TryParse(Value(component, variable, instance), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>A boolean variable, or <paramref name="fallback"/>.</summary>
    public bool Flag(string component, string variable, bool fallback, string? instance = null) =>
        Value(component, variable, instance) switch { "true" => true, "false" => false, _ => fallback };

    /// <summary>A comma-separated list variable.</summary>
    public IReadOnlyList<string> List(string component, string variable, string? instance = null) =>
        (Value(component, variable, instance) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Sets a value the station itself owns (a ReadOnly AvailabilityState, say), bypassing mutability.</summary>
    public void SetInternal(ComponentKey component, string variable, string value, bool persist = false)
    {
        var v = Find(component, variable);
        if (v is null || !v.Attributes.TryGetValue(AttributeEnumType.Actual, out var attribute))
        {
            return;
        }

        lock (_lock)
        {
            attribute.Value = value;
            if (persist)
            {
                _store.SaveVariable(v.Key(AttributeEnumType.Actual), value);
            }
        }

        Changed?.Invoke(v);
    }

    /// <summary>Sets a station-level value with the same checks as SetVariables (B05); for hosts and tests.</summary>
    public SetVariableStatusEnumType Set(string component, string variable, string value, string? instance = null) =>
        Set(new SetVariableDataType
        {
            Component = new ComponentType { Name = component },
            Variable = new VariableType { Name = variable, Instance = instance },
            AttributeValue = value,
        }).AttributeStatus;

    private enum Missing
    {
        Nothing,
        Component,
        Variable,
        Attribute,
    }

    /// <summary>The variable and attribute a Get or Set names, or which of the three the model lacks.</summary>
    private (DeviceVariable? Variable, AttributeState? Attribute, Missing Missing) Lookup(ComponentType componentType, VariableType variableType, AttributeEnumType type)
    {
        var component = ComponentKey.From(componentType);
        if (!_components.Contains(component))
        {
            return (null, null, Missing.Component);
        }

        var variable = Find(component, variableType.Name, variableType.Instance);
        if (variable is null)
        {
            return (null, null, Missing.Variable);
        }

        return variable.Attributes.TryGetValue(type, out var attribute) ? (variable, attribute, Missing.Nothing) : (variable, null, Missing.Attribute);
    }

    /// <summary>B06: reads one attribute.</summary>
    public GetVariableResultType Get(GetVariableDataType request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.AttributeType ?? AttributeEnumType.Actual;
        var result = new GetVariableResultType
        {
            AttributeStatus = GetVariableStatusEnumType.Accepted,
            AttributeType = request.AttributeType,
            Component = request.Component,
            Variable = request.Variable,
        };
        var (variable, attribute, missing) = Lookup(request.Component, request.Variable, type);
        if (variable is null || attribute is null)
        {
            result.AttributeStatus = missing switch
            {
                Missing.Component => GetVariableStatusEnumType.UnknownComponent,
                Missing.Variable => GetVariableStatusEnumType.UnknownVariable,
                _ => GetVariableStatusEnumType.NotSupportedAttributeType,
            };
            return result;
        }

        if (attribute.Mutability == MutabilityEnumType.WriteOnly)
        {
            result.AttributeStatus = GetVariableStatusEnumType.Rejected;
            result.AttributeStatusInfo = new StatusInfoType { ReasonCode = "WriteOnly" };
            return result;
        }

        lock (_lock)
        {
            result.AttributeValue = LiveValue?.Invoke(variable, type) ?? attribute.Value ?? "";
        }

        return result;
    }

    /// <summary>B05: sets one attribute after checking mutability and characteristics; persists it.</summary>
    public SetVariableResultType Set(SetVariableDataType request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.AttributeType ?? AttributeEnumType.Actual;
        var result = new SetVariableResultType
        {
            AttributeStatus = SetVariableStatusEnumType.Accepted,
            AttributeType = request.AttributeType,
            Component = request.Component,
            Variable = request.Variable,
        };
        var (variable, attribute, missing) = Lookup(request.Component, request.Variable, type);
        if (variable is null || attribute is null)
        {
            result.AttributeStatus = missing switch
            {
                Missing.Component => SetVariableStatusEnumType.UnknownComponent,
                Missing.Variable => SetVariableStatusEnumType.UnknownVariable,
                _ => SetVariableStatusEnumType.NotSupportedAttributeType,
            };
            return result;
        }

        if (attribute.Mutability == MutabilityEnumType.ReadOnly || attribute.Constant)
        {
            result.AttributeStatus = SetVariableStatusEnumType.Rejected;
            result.AttributeStatusInfo = new StatusInfoType { ReasonCode = "ReadOnly" };
            return result;
        }

        var problem = variable.Check(request.AttributeValue);
        if (problem is not null)
        {
            result.AttributeStatus = SetVariableStatusEnumType.Rejected;
            result.AttributeStatusInfo = new StatusInfoType { ReasonCode = "InvalidValue", AdditionalInfo = problem };
            return result;
        }

        lock (_lock)
        {
            attribute.Value = request.AttributeValue;
            _store.SaveVariable(variable.Key(type), request.AttributeValue);
        }

        if (variable.RebootRequired)
        {
            result.AttributeStatus = SetVariableStatusEnumType.RebootRequired;
        }
        else
        {
            Changed?.Invoke(variable);
        }

        return result;
    }

    /// <summary>B07: the report data of a base report.</summary>
    public List<ReportDataType> BaseReport(ReportBaseEnumType reportBase) => reportBase switch
    {
        ReportBaseEnumType.ConfigurationInventory => Report(v => v.Attributes.Values.Any(a => a.Mutability != MutabilityEnumType.ReadOnly && !a.Constant)),
        ReportBaseEnumType.SummaryInventory => Report(v => SummaryVariables.Contains(v.Name)),
        _ => Report(_ => true),
    };

    /// <summary>B08: the report data matching GetReport's componentCriteria and componentVariable (both optional).</summary>
    public List<ReportDataType> CustomReport(IReadOnlyCollection<ComponentCriterionEnumType>? criteria, IReadOnlyCollection<ComponentVariableType>? filters)
    {
        return Report(v =>
            (criteria is null || criteria.Count == 0 || criteria.Any(c => MeetsCriterion(v.Component, c)))
            && (filters is null || filters.Count == 0 || filters.Any(f => Matches(v, f))));
    }

    /// <summary>Splits report data into NotifyReport parts of at most <paramref name="itemsPerMessage"/> items and about <paramref name="bytesPerMessage"/> bytes.</summary>
    public static List<List<ReportDataType>> Split(List<ReportDataType> data, int itemsPerMessage, int bytesPerMessage) =>
        MessageParts.Split(data, OcppJsonContext.Default.ReportDataType, itemsPerMessage, bytesPerMessage, envelope: 200); // the NotifyReport fields around reportData, and the frame

    private static bool Matches(DeviceVariable v, ComponentVariableType filter)
    {
        var c = filter.Component;
        if (c.Name != v.Component.Name
            || (c.Instance is not null && c.Instance != v.Component.Instance)
            || (c.Evse is not null && (c.Evse.Id != v.Component.EvseId || (c.Evse.ConnectorId is not null && c.Evse.ConnectorId != v.Component.ConnectorId))))
        {
            return false;
        }

        return filter.Variable is null || (filter.Variable.Name == v.Name && (filter.Variable.Instance is null || filter.Variable.Instance == v.Instance));
    }

    private bool MeetsCriterion(ComponentKey component, ComponentCriterionEnumType criterion)
    {
        var name = criterion.ToString();
        var value = Find(component, name)?.Attributes.GetValueOrDefault(AttributeEnumType.Actual)?.Value;
        return value is null ? criterion != ComponentCriterionEnumType.Problem : value == "true";
    }

    private List<ReportDataType> Report(Func<DeviceVariable, bool> predicate)
    {
        lock (_lock)
        {
            return _variables.Values.Where(predicate).Select(v => new ReportDataType
            {
                Component = v.Component.ToMessage(),
                Variable = v.ToMessage(),
                VariableAttribute = v.Attributes.Values.Select(a => new VariableAttributeType
                {
                    Type = a.Type,
                    Value = a.Mutability == MutabilityEnumType.WriteOnly ? null : LiveValue?.Invoke(v, a.Type) ?? a.Value,
                    Mutability = a.Mutability,
                    Persistent = a.Persistent,
                    Constant = a.Constant,
                }).ToList(),
                VariableCharacteristics = v.Characteristics(),
            }).ToList();
        }
    }

    private static AttributeEnumType ParseAttribute(string s) => Enum.Parse<AttributeEnumType>(s, ignoreCase: true);

    private static MutabilityEnumType ParseMutability(string s) => Enum.Parse<MutabilityEnumType>(s, ignoreCase: true);

    private static DataEnumType ParseDataType(string s) => Enum.Parse<DataEnumType>(s, ignoreCase: true);
}
