using Ohm.Ocpp.Messages;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Monitoring;

/// <summary>The rule of each monitor type (3.55 MonitorEnumType, N07, N08) on <see cref="MonitorEvaluator"/>, with a fake clock.</summary>
public sealed class MonitorEvaluatorTests
{
    private static readonly ComponentKey Converter = new("AcDcConverter", EvseId: 1);

    private static VariableMonitor Monitor(MonitorEnumType type, decimal value) => new()
    {
        Id = 7,
        Component = Converter,
        Variable = "Temperature",
        Type = type,
        Value = value,
        Severity = 4,
    };

    [Fact]
    public void N07_UpperThreshold_alerts_when_the_value_rises_above_and_clears_when_it_comes_back()
    {
        var clock = FakeClock.Create();
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.UpperThreshold, 60), numeric: true, "40", clock.GetUtcNow());

        Assert.Null(e.Evaluate("40", clock.GetUtcNow()));
        Assert.Null(e.Evaluate("60", clock.GetUtcNow())); // at the threshold is not above it
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Alerting, "60.5", false), e.Evaluate("60.5", clock.GetUtcNow()));
        Assert.True(e.Alerting);
        Assert.Null(e.Evaluate("85", clock.GetUtcNow())); // still above: no second event
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Alerting, "59", true), e.Evaluate("59", clock.GetUtcNow()));
        Assert.False(e.Alerting);
        Assert.Null(e.Evaluate("30", clock.GetUtcNow()));
    }

    [Fact]
    public void N07_LowerThreshold_alerts_below_and_clears_at_or_above()
    {
        var clock = FakeClock.Create();
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.LowerThreshold, 5), numeric: true, "10", clock.GetUtcNow());

        Assert.Null(e.Evaluate("5", clock.GetUtcNow()));
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Alerting, "4.9", false), e.Evaluate("4.9", clock.GetUtcNow()));
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Alerting, "5", true), e.Evaluate("5", clock.GetUtcNow()));
    }

    [Fact]
    public void N07_FR_11_a_value_already_beyond_the_threshold_when_the_monitor_starts_alerts_at_the_first_evaluation()
    {
        var clock = FakeClock.Create();
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.UpperThreshold, 60), numeric: true, "70", clock.GetUtcNow());

        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Alerting, "70", false), e.Evaluate("70", clock.GetUtcNow()));
    }

    [Fact]
    public void N07_FR_18_Delta_reports_a_move_of_more_than_the_delta_from_the_last_reported_value()
    {
        var clock = FakeClock.Create();
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.Delta, 5), numeric: true, "20", clock.GetUtcNow());

        Assert.Null(e.Evaluate("24", clock.GetUtcNow()));
        Assert.Null(e.Evaluate("25", clock.GetUtcNow())); // exactly the delta is not more than it
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Delta, "25.5", false), e.Evaluate("25.5", clock.GetUtcNow()));

        // The reference is now the reported 25.5, not the 20 the monitor started from.
        Assert.Null(e.Evaluate("29", clock.GetUtcNow()));
        Assert.Equal(EventTriggerEnumType.Delta, e.Evaluate("20.4", clock.GetUtcNow())?.Trigger);
    }

    [Fact]
    public void N07_FR_19_Delta_on_a_value_that_is_not_a_number_reports_every_change()
    {
        var clock = FakeClock.Create();
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.Delta, 0), numeric: false, "Available", clock.GetUtcNow());

        Assert.Null(e.Evaluate("Available", clock.GetUtcNow()));
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Delta, "Occupied", false), e.Evaluate("Occupied", clock.GetUtcNow()));
        Assert.Null(e.Evaluate("Occupied", clock.GetUtcNow()));
        Assert.Equal("Available", e.Evaluate("Available", clock.GetUtcNow())?.ActualValue);
    }

    [Fact]
    public void N08_Periodic_reports_every_interval_from_when_it_was_set_and_once_after_a_clock_jump()
    {
        var clock = FakeClock.Create(new DateTimeOffset(2025, 1, 1, 10, 0, 7, TimeSpan.Zero));
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.Periodic, 60), numeric: true, "30", clock.GetUtcNow());

        clock.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(e.Evaluate("30", clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new MonitorFinding(EventTriggerEnumType.Periodic, "31", false), e.Evaluate("31", clock.GetUtcNow()));
        Assert.Null(e.Evaluate("31", clock.GetUtcNow()));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 2, 7, TimeSpan.Zero), e.NextReport);

        clock.Advance(TimeSpan.FromMinutes(10.5)); // ten periods missed: one report, then on the grid again
        Assert.NotNull(e.Evaluate("32", clock.GetUtcNow()));
        Assert.Null(e.Evaluate("32", clock.GetUtcNow()));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 12, 7, TimeSpan.Zero), e.NextReport);
    }

    [Fact]
    public void N08_PeriodicClockAligned_reports_at_multiples_of_the_interval_after_midnight()
    {
        var clock = FakeClock.Create(new DateTimeOffset(2025, 1, 1, 10, 7, 0, TimeSpan.Zero));
        var e = new MonitorEvaluator(Monitor(MonitorEnumType.PeriodicClockAligned, 900), numeric: true, "30", clock.GetUtcNow());

        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 15, 0, TimeSpan.Zero), e.NextReport);
        clock.Advance(TimeSpan.FromMinutes(7) + TimeSpan.FromSeconds(59));
        Assert.Null(e.Evaluate("30", clock.GetUtcNow()));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(EventTriggerEnumType.Periodic, e.Evaluate("30", clock.GetUtcNow())?.Trigger);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 10, 30, 0, TimeSpan.Zero), e.NextReport);
    }
}
