using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Station;
using Ohm.Station.DeviceModel;

namespace Ohm.Cli;

internal static partial class StationCommand
{
    /// <summary>
    /// The console's <c>set [EVSE n] COMPONENT VARIABLE VALUE</c>: a simulated sensor reads VALUE (<c>set EVSE 1
    /// AcDcConverter Temperature 85</c>) and moves on from it; any other variable is set as SetVariables would (B05).
    /// </summary>
    internal static void Set(ChargingStation station, string[] words, TextWriter output)
    {
        int? evse = null;
        var rest = words.Skip(1).ToArray();
        if (rest.Length > 1 && string.Equals(rest[0], "EVSE", StringComparison.OrdinalIgnoreCase))
        {
            if (!int.TryParse(rest[1], CultureInfo.InvariantCulture, out var id))
            {
                output.WriteLine($"set: '{rest[1]}' is not an EVSE id");
                return;
            }

            evse = id;
            rest = rest[2..];
        }

        if (rest.Length != 3)
        {
            output.WriteLine("usage: set [EVSE n] COMPONENT VARIABLE VALUE (e.g. set EVSE 1 AcDcConverter Temperature 85)");
            return;
        }

        var (component, variable, value) = (rest[0], rest[1], rest[2]);
        var where = (evse is { } e ? string.Create(CultureInfo.InvariantCulture, $"EVSE {e} ") : "") + component + "." + variable;
        var key = new ComponentKey(component, EvseId: evse, ConnectorId: component == "Connector" && evse is not null ? 1 : null);
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number) && station.Simulator?.SetSensor(key, variable, number) == true)
        {
            output.WriteLine($"{where}: sensor reads {value}");
            return;
        }

        var result = station.Model.Set(new SetVariableDataType
        {
            Component = key.ToMessage(),
            Variable = new VariableType { Name = variable },
            AttributeValue = value,
        });
        output.WriteLine($"{where} = {value}: {result.AttributeStatus}{(result.AttributeStatusInfo?.AdditionalInfo is { } why ? " (" + why + ")" : "")}");
    }

    /// <summary>The console's <c>monitors</c>: every monitor (N04) with its kind and whether its alert is open.</summary>
    internal static void PrintMonitors(ChargingStation station, TextWriter output)
    {
        var monitors = station.Monitoring.Monitors();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{station.Id}: {monitors.Count} monitor(s), level {station.Monitoring.Level}, base {station.Model.Value("MonitoringCtrlr", "ActiveMonitoringBase")}"));
        foreach (var m in monitors)
        {
            var variable = station.Model.Find(m.Component, m.Variable, m.VariableInstance);
            var now = variable is null ? "?" : station.Model.ActualValue(variable) ?? "";
            var where = (m.Component.EvseId is { } e ? string.Create(CultureInfo.InvariantCulture, $"EVSE {e} ") : "") + m.Component.Name + "." + m.Variable;
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"  {m.Id}: {where} {m.Type} {m.Value} severity {m.Severity}{(m.Transaction ? " (transaction)" : "")}, {m.Kind}; now {now}{(station.Monitoring.IsAlerting(m.Id) ? ", ALERT" : "")}"));
        }
    }
}
