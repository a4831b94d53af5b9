using System.Globalization;
using System.Text.Json;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Transactions;

/// <summary>One point of a meter chart: when it was measured (UTC) and the value in the chart's unit.</summary>
public sealed record MeterPoint(DateTime At, double Value);

/// <summary>
/// A transaction's meter values as chart series: active power imported in W, the energy import register in Wh, the
/// state of charge in %. A sampled value with a phase is left out (the total is charted); kW and kWh are scaled to W
/// and Wh, and the unit's multiplier (a power of ten) applied.
/// </summary>
public static class MeterSeries
{
    public const string Power = "Power.Active.Import";

    public const string Energy = "Energy.Active.Import.Register";

    public const string SoC = "SoC";

    /// <summary>The points of <paramref name="measurand"/>, in time order, one per timestamp (the last event's wins).</summary>
    public static IReadOnlyList<MeterPoint> Of(IEnumerable<TransactionEventView> events, string measurand)
    {
        ArgumentNullException.ThrowIfNull(events);
        var points = new SortedDictionary<DateTime, double>();
        foreach (var e in events)
        {
            foreach (var meterValue in e.MeterValues)
            {
                foreach (var s in meterValue.SampledValue)
                {
                    if (s.Measurand == measurand && s.Phase is null && Number(s) is { } value)
                    {
                        points[meterValue.Timestamp.UtcDateTime] = value;
                    }
                }
            }
        }

        return points.Select(p => new MeterPoint(p.Key, p.Value)).ToList();
    }

    private static double? Number(SampledValueView s)
    {
        if (s.Value.ValueKind != JsonValueKind.Number || !s.Value.TryGetDouble(out var value))
        {
            return null;
        }

        value *= Math.Pow(10, s.Multiplier ?? 0);
        return s.Unit is { } unit && (unit.Equals("kW", StringComparison.OrdinalIgnoreCase) || unit.Equals("kWh", StringComparison.OrdinalIgnoreCase)) ? value * 1000 : value;
    }

    /// <summary>A value as the chart's tooltip and the table show it.</summary>
    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
