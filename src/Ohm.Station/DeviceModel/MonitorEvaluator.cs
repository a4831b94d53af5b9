using System.Globalization;
using Ohm.Ocpp.Messages;

namespace Ohm.Station.DeviceModel;

/// <summary>A monitor on one variable (N04): set by the CSMS (CustomMonitor) or shipped with the station's configuration.</summary>
public sealed record VariableMonitor
{
    /// <summary>The id the station gave it.</summary>
    public required int Id { get; init; }

    /// <summary>The component of the variable.</summary>
    public required ComponentKey Component { get; init; }

    /// <summary>The variable's name.</summary>
    public required string Variable { get; init; }

    /// <summary>The variable's instance.</summary>
    public string? VariableInstance { get; init; }

    /// <summary>The kind of monitor.</summary>
    public required MonitorEnumType Type { get; init; }

    /// <summary>The threshold, the delta, or the interval in seconds.</summary>
    public required decimal Value { get; init; }

    /// <summary>Severity, 0 (Danger) to 9 (Debug).</summary>
    public required int Severity { get; init; }

    /// <summary>Whether it is active only while a transaction runs on its component.</summary>
    public bool Transaction { get; init; }

    /// <summary>CustomMonitor, PreconfiguredMonitor or HardWiredMonitor: what NotifyEvent's eventNotificationType says.</summary>
    public EventNotificationEnumType Kind { get; init; } = EventNotificationEnumType.CustomMonitor;

    /// <summary>Whether a preconfigured monitor belongs to the manufacturer's defaults (SetMonitoringBase FactoryDefault).</summary>
    public bool FactoryDefault { get; init; }

    /// <summary>The monitor as NotifyMonitoringReport writes it.</summary>
    public VariableMonitoringType ToMessage() => new() { Id = Id, Transaction = Transaction, Value = Value, Type = Type, Severity = Severity };
}

/// <summary>What a monitor found: an event to report (N07, N08).</summary>
/// <param name="Trigger">Alerting for a threshold, Delta, or Periodic.</param>
/// <param name="ActualValue">The value that triggered it.</param>
/// <param name="Cleared">Whether a threshold's value came back: the alert is over.</param>
public sealed record MonitorFinding(EventTriggerEnumType Trigger, string ActualValue, bool Cleared);

/// <summary>
/// The state of one monitor between values, and the rule that turns a value into an event; pure, driven by the values
/// and the times it is given (OCPP 2.0.1 Part 2, 3.55 MonitorEnumType, N07, N08):
/// <list type="bullet">
/// <item>UpperThreshold: an Alerting event when the value rises above the monitor's value; when it comes back to at most
/// the monitor's value, an Alerting event with cleared true. LowerThreshold the same below. A value already beyond when
/// the monitor starts counts as a crossing.</item>
/// <item>Delta: a Delta event when a number moved by more than the monitor's value from the reference, which is the value
/// when the monitor started or the last one reported; any change of a value that is not a number.</item>
/// <item>Periodic: a Periodic event every <c>value</c> seconds from the start; PeriodicClockAligned: at every multiple of
/// <c>value</c> seconds after midnight UTC (900: at :00, :15, :30 and :45). After a jump of the clock, one event, not one
/// per missed period.</item>
/// </list>
/// </summary>
public sealed class MonitorEvaluator
{
    private readonly bool _numeric;
    private string? _reference;
    private DateTimeOffset _due;

    /// <summary>Starts evaluating <paramref name="monitor"/> on a variable (numeric or not) whose value is <paramref name="value"/> now.</summary>
    public MonitorEvaluator(VariableMonitor monitor, bool numeric, string? value, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        Monitor = monitor;
        _numeric = numeric;
        _reference = value;
        _due = monitor.Type switch
        {
            MonitorEnumType.Periodic => now + Interval,
            MonitorEnumType.PeriodicClockAligned => NextAligned(now, Interval),
            _ => DateTimeOffset.MaxValue,
        };
    }

    /// <summary>The monitor.</summary>
    public VariableMonitor Monitor { get; }

    /// <summary>Whether a threshold monitor is past its threshold (its alert is open).</summary>
    public bool Alerting { get; private set; }

    /// <summary>When a periodic monitor reports next.</summary>
    public DateTimeOffset? NextReport => Monitor.Type is MonitorEnumType.Periodic or MonitorEnumType.PeriodicClockAligned ? _due : null;

    private TimeSpan Interval => TimeSpan.FromSeconds((double)Math.Max(1m, Monitor.Value));

    /// <summary>Evaluates the value the variable has at <paramref name="now"/>; returns the event to report, or null.</summary>
    public MonitorFinding? Evaluate(string? value, DateTimeOffset now) => Monitor.Type switch
    {
        MonitorEnumType.UpperThreshold or MonitorEnumType.LowerThreshold => Threshold(value),
        MonitorEnumType.Delta => Delta(value),
        _ => Periodic(value, now),
    };

    /// <summary>The first multiple of <paramref name="interval"/> after midnight UTC that is later than <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAligned(DateTimeOffset now, TimeSpan interval)
    {
        var utc = now.ToUniversalTime();
        var midnight = new DateTimeOffset(utc.Date, TimeSpan.Zero);
        var periods = (long)Math.Floor((utc - midnight).Ticks / (double)interval.Ticks) + 1;
        return midnight + TimeSpan.FromTicks(periods * interval.Ticks);
    }

    private static decimal? Number(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) ? d : null;

    private MonitorFinding? Threshold(string? value)
    {
        if (Number(value) is not { } number)
        {
            return null;
        }

        var beyond = Monitor.Type == MonitorEnumType.UpperThreshold ? number > Monitor.Value : number < Monitor.Value;
        if (beyond == Alerting)
        {
            return null;
        }

        Alerting = beyond;
        return new MonitorFinding(EventTriggerEnumType.Alerting, value!, Cleared: !beyond);
    }

    private MonitorFinding? Delta(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_numeric)
        {
            if (Number(value) is not { } number)
            {
                return null;
            }

            if (Number(_reference) is not { } reference)
            {
                _reference = value; // the first number read is the reference
                return null;
            }

            if (Math.Abs(number - reference) <= Monitor.Value)
            {
                return null;
            }
        }
        else if (string.Equals(value, _reference, StringComparison.Ordinal))
        {
            return null;
        }

        _reference = value;
        return new MonitorFinding(EventTriggerEnumType.Delta, value, Cleared: false);
    }

    private MonitorFinding? Periodic(string? value, DateTimeOffset now)
    {
        if (now < _due)
        {
            return null;
        }

        if (Monitor.Type == MonitorEnumType.PeriodicClockAligned)
        {
            _due = NextAligned(now, Interval);
        }
        else
        {
            var missed = (now - _due).Ticks / Interval.Ticks;
            _due += TimeSpan.FromTicks((missed + 1) * Interval.Ticks);
        }

        return new MonitorFinding(EventTriggerEnumType.Periodic, value ?? "", Cleared: false);
    }
}
