using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>Writes reported and set variables into a station's stored device model.</summary>
internal static class DeviceModelStore
{
    private readonly record struct Key(string Component, string ComponentInstance, int EvseId, int ConnectorId, string Variable, string VariableInstance);

    private static Key KeyOf(ComponentType component, VariableType variable) =>
        new(component.Name, component.Instance ?? "", component.Evse?.Id ?? 0, component.Evse?.ConnectorId ?? 0, variable.Name, variable.Instance ?? "");

    private static Key KeyOf(DeviceVariableRecord v) =>
        new(v.ComponentName, v.ComponentInstance, v.EvseId, v.ConnectorId, v.VariableName, v.VariableInstance);

    /// <summary>
    /// A station's own message limits from its stored device model: the Actual values of
    /// <paramref name="component"/>'s ItemsPerMessage and BytesPerMessage of <paramref name="instance"/> ("" for none);
    /// null where not reported or not a positive number.
    /// </summary>
    public static async Task<(int? Items, int? Bytes)> MessageLimitsAsync(CsmsDbContext db, string stationId, string component, string instance, CancellationToken cancellationToken)
    {
        var values = await db.DeviceVariables.AsNoTracking()
            .Where(v => v.StationId == stationId && v.ComponentName == component && v.VariableInstance == instance
                        && (v.VariableName == "ItemsPerMessage" || v.VariableName == "BytesPerMessage"))
            .Select(v => new { v.VariableName, Actual = v.Attributes.Where(a => a.Type == "Actual").Select(a => a.Value).FirstOrDefault() })
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        int? Read(string name) =>
            values.FirstOrDefault(v => v.VariableName == name)?.Actual is { } text && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
        return (Read("ItemsPerMessage"), Read("BytesPerMessage"));
    }

    /// <summary>
    /// The stored variables of the given keys. Only the rows whose component and variable names both occur among the keys
    /// are read, not the station's whole model: a report of many parts reads for part N (almost) none of the rows that
    /// parts 1..N-1 wrote, where it used to read all of them, so that storing a report grew quadratically.
    /// </summary>
    private static async Task<Dictionary<Key, DeviceVariableRecord>> LoadAsync(CsmsDbContext db, string stationId, HashSet<Key> keys)
    {
        var components = keys.Select(k => k.Component).Distinct().ToList();
        var variables = keys.Select(k => k.Variable).Distinct().ToList();
        var existing = await db.DeviceVariables.Include(v => v.Attributes)
            .Where(v => v.StationId == stationId && components.Contains(v.ComponentName) && variables.Contains(v.VariableName))
            .ToListAsync().ConfigureAwait(false);
        db.DeviceVariablesLoaded?.Invoke(stationId, existing.Count);
        var model = new Dictionary<Key, DeviceVariableRecord>(keys.Count);
        foreach (var variable in existing)
        {
            var key = KeyOf(variable);
            if (keys.Contains(key))
            {
                model[key] = variable;
            }
        }

        return model;
    }

    private static DeviceVariableRecord GetOrAdd(CsmsDbContext db, Dictionary<Key, DeviceVariableRecord> model, string stationId, ComponentType component, VariableType variable)
    {
        var key = KeyOf(component, variable);
        if (!model.TryGetValue(key, out var record))
        {
            record = new DeviceVariableRecord
            {
                StationId = stationId,
                ComponentName = key.Component,
                ComponentInstance = key.ComponentInstance,
                EvseId = key.EvseId,
                ConnectorId = key.ConnectorId,
                VariableName = key.Variable,
                VariableInstance = key.VariableInstance,
            };
            db.DeviceVariables.Add(record);
            model.Add(key, record);
        }

        return record;
    }

    private static DeviceVariableAttributeRecord Attribute(DeviceVariableRecord variable, string type)
    {
        var attribute = variable.Attributes.FirstOrDefault(a => a.Type == type);
        if (attribute is null)
        {
            attribute = new DeviceVariableAttributeRecord { Type = type };
            variable.Attributes.Add(attribute);
        }

        return attribute;
    }

    /// <summary>Stores the variables of one NotifyReport part.</summary>
    public static async Task UpsertAsync(CsmsDbContext db, string stationId, IReadOnlyCollection<ReportDataType> data, DateTimeOffset now)
    {
        var model = await LoadAsync(db, stationId, data.Select(d => KeyOf(d.Component, d.Variable)).ToHashSet()).ConfigureAwait(false);
        foreach (var item in data)
        {
            var record = GetOrAdd(db, model, stationId, item.Component, item.Variable);
            record.UpdatedAt = now;
            if (item.VariableCharacteristics is { } c)
            {
                record.DataType = c.DataType.ToWire();
                record.Unit = c.Unit;
                record.MinLimit = c.MinLimit;
                record.MaxLimit = c.MaxLimit;
                record.ValuesList = c.ValuesList;
                record.SupportsMonitoring = c.SupportsMonitoring;
            }

            foreach (var reported in item.VariableAttribute)
            {
                var attribute = Attribute(record, (reported.Type ?? AttributeEnumType.Actual).ToWire());
                attribute.Value = reported.Value;
                attribute.Mutability = (reported.Mutability ?? MutabilityEnumType.ReadWrite).ToWire();
                attribute.Persistent = reported.Persistent ?? false;
                attribute.Constant = reported.Constant ?? false;
            }
        }
    }

    /// <summary>Stores the values that the station accepted in a SetVariables exchange.</summary>
    public static async Task ApplySetAsync(CsmsDbContext db, string stationId, IEnumerable<SetVariableDataType> requested, IEnumerable<SetVariableResultType> accepted, DateTimeOffset now)
    {
        var model = await LoadAsync(db, stationId, accepted.Select(r => KeyOf(r.Component, r.Variable)).ToHashSet()).ConfigureAwait(false);
        var values = requested.ToLookup(r => (KeyOf(r.Component, r.Variable), r.AttributeType ?? AttributeEnumType.Actual));
        foreach (var result in accepted)
        {
            var type = result.AttributeType ?? AttributeEnumType.Actual;
            var value = values[(KeyOf(result.Component, result.Variable), type)].LastOrDefault();
            if (value is null)
            {
                continue;
            }

            var record = GetOrAdd(db, model, stationId, result.Component, result.Variable);
            record.UpdatedAt = now;
            Attribute(record, type.ToWire()).Value = value.AttributeValue;
        }
    }
}
