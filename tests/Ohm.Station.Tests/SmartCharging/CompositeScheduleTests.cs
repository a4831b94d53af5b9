using Ohm.Ocpp.Messages;
using Ohm.Station.ChargingProfiles;
using static Ohm.Station.Tests.Charging.ProfileBuilder;

namespace Ohm.Station.Tests.Charging;

/// <summary>
/// K08: the composition rules of <see cref="CompositeScheduler"/> on their own, with the clock passed in: stack levels,
/// purposes, the minimum with the station's maximum and external constraints, recurring profiles across midnight and
/// week boundaries, relative profiles from the transaction's start, validity edges, A/W conversion and merging.
/// </summary>
public sealed class CompositeScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly ScheduleContext Evse1 = new(1);
    private const ChargingProfilePurposeEnumType TxP = ChargingProfilePurposeEnumType.TxProfile;
    private const ChargingProfilePurposeEnumType TxDefaultP = ChargingProfilePurposeEnumType.TxDefaultProfile;
    private const ChargingProfilePurposeEnumType External = ChargingProfilePurposeEnumType.ChargingStationExternalConstraints;
    private const ChargingProfileKindEnumType Absolute = ChargingProfileKindEnumType.Absolute;
    private const ChargingProfileKindEnumType Recurring = ChargingProfileKindEnumType.Recurring;

    private static InstalledProfile On(int evse, ChargingProfileType profile, DateTimeOffset? installed = null) =>
        new(evse, profile, ChargingLimitSourceEnumType.CSO, installed ?? T0);

    private static List<(int Start, decimal Limit)> Periods(IReadOnlyList<InstalledProfile> profiles, ScheduleContext context, DateTimeOffset start, int duration, ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.A)
    {
        var schedule = CompositeScheduler.Schedule(profiles, context, start, duration, unit, 22000m);
        Assert.NotNull(schedule);
        Assert.Equal(duration, schedule.Duration);
        Assert.Equal(start, schedule.ScheduleStart);
        Assert.Equal(unit, schedule.ChargingRateUnit);
        return [.. schedule.ChargingSchedulePeriod.Select(p => (p.StartPeriod, p.Limit))];
    }

    [Fact]
    public void K08_no_profile_gives_no_schedule_and_no_limit()
    {
        Assert.Null(CompositeScheduler.Schedule([], Evse1, T0, 3600, ChargingRateUnitEnumType.A, 22000m));
        Assert.Null(CompositeScheduler.LimitAt([], Evse1, T0));
    }

    [Fact]
    public void K08_within_a_purpose_the_highest_stackLevel_wins()
    {
        var profiles = new[] { On(0, TxDefault(1, 16m, stack: 0)), On(0, TxDefault(2, 10m, stack: 2)), On(0, TxDefault(3, 12m, stack: 1)) };
        Assert.Equal([(0, 10m)], Periods(profiles, Evse1, T0, 3600));
    }

    [Fact]
    public void K08_a_higher_stackLevel_whose_schedule_ended_gives_way_to_the_lower_one()
    {
        var profiles = new[] { On(0, TxDefault(1, 16m)), On(0, Profile(2, TxDefaultP, 10m, stack: 1, kind: Absolute, startSchedule: T0, duration: 1800)) };
        Assert.Equal([(0, 10m), (1800, 16m)], Periods(profiles, Evse1, T0, 3600));
    }

    [Fact]
    public void K08_the_TxProfile_of_the_running_transaction_wins_over_any_TxDefaultProfile()
    {
        var context = new ScheduleContext(1, "tx-1", T0);
        var profiles = new[] { On(1, TxDefault(1, 8m, stack: 5)), On(1, Tx(2, 20m, stack: 0, transactionId: "tx-1")) };
        Assert.Equal([(0, 20m)], Periods(profiles, context, T0, 600));

        // Without a transaction, or for another one, the TxProfile does not apply.
        Assert.Equal([(0, 8m)], Periods(profiles, Evse1, T0, 600));
        Assert.Equal([(0, 8m)], Periods(profiles, context with { TransactionId = "tx-2" }, T0, 600));
    }

    [Fact]
    public void K08_an_EVSE_specific_TxDefaultProfile_wins_over_the_one_of_EVSE_0()
    {
        var profiles = new[] { On(0, TxDefault(1, 10m, stack: 3)), On(1, TxDefault(2, 14m, stack: 0)) };
        Assert.Equal([(0, 14m)], Periods(profiles, Evse1, T0, 600));
        Assert.Equal([(0, 10m)], Periods(profiles, new ScheduleContext(2), T0, 600));
    }

    [Fact]
    public void K08_the_ChargingStationMaxProfile_caps_the_EVSE_as_a_minimum_in_its_own_unit()
    {
        // 16 A on 3 x 230 V = 11040 W; the station's 7360 W (10.67 A) is lower.
        var profiles = new[] { On(0, TxDefault(1, 16m)), On(0, StationMax(2, 7360m)) };
        Assert.Equal([(0, 10.6m)], Periods(profiles, Evse1, T0, 600));
        Assert.Equal([(0, 7360m)], Periods(profiles, Evse1, T0, 600, ChargingRateUnitEnumType.W));

        // A maximum above the TxDefaultProfile does not raise it; alone, it is the EVSE's limit.
        Assert.Equal([(0, 16m)], Periods([On(0, TxDefault(1, 16m)), On(0, StationMax(2, 20000m))], Evse1, T0, 600));
        Assert.Equal([(0, 20000m)], Periods([On(0, StationMax(2, 20000m))], Evse1, T0, 600, ChargingRateUnitEnumType.W));
    }

    [Fact]
    public void K08_external_constraints_of_the_EVSE_and_of_the_station_cap_it_too()
    {
        var profiles = new[]
        {
            On(0, TxDefault(1, 16m)),
            On(1, Profile(2, External, 12m)),
            On(0, Profile(3, External, 7000m, ChargingRateUnitEnumType.W, kind: Absolute, startSchedule: T0.AddMinutes(10))),
        };
        Assert.Equal([(0, 12m), (600, 10.1m)], Periods(profiles, Evse1, T0, 1200));
        Assert.Equal([(0, 16m), (600, 10.1m)], Periods(profiles, new ScheduleContext(2), T0, 1200));
    }

    [Fact]
    public void K08_a_Daily_recurring_profile_goes_on_across_midnight()
    {
        // Every day: 16 A from 00:00, 8 A from 22:00.
        var daily = Profile(1, TxDefaultP, 16m, kind: Recurring, recurrency: RecurrencyKindEnumType.Daily, startSchedule: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), more: [(79200, 8m)]);
        var start = new DateTimeOffset(2025, 1, 3, 21, 0, 0, TimeSpan.Zero);
        Assert.Equal([(0, 16m), (3600, 8m), (10800, 16m)], Periods([On(0, daily)], Evse1, start, 14400));
    }

    [Fact]
    public void K08_a_Daily_recurring_profile_with_a_duration_leaves_the_rest_of_the_day_to_lower_stack_levels()
    {
        // 6 A from 18:00 for 4 h each day over a 16 A default.
        var evening = Profile(2, TxDefaultP, 6m, stack: 1, kind: Recurring, recurrency: RecurrencyKindEnumType.Daily, startSchedule: new DateTimeOffset(2024, 12, 1, 18, 0, 0, TimeSpan.Zero), duration: 14400);
        var start = new DateTimeOffset(2025, 1, 1, 17, 0, 0, TimeSpan.Zero);
        Assert.Equal([(0, 16m), (3600, 6m), (18000, 16m), (90000, 6m)], Periods([On(0, TxDefault(1, 16m)), On(0, evening)], Evse1, start, 100000));
    }

    [Fact]
    public void K08_a_Weekly_recurring_profile_goes_on_across_the_week_boundary()
    {
        // Every week from Monday 00:00: 10 A on weekdays, 32 A from Saturday 00:00.
        var weekly = Profile(1, TxDefaultP, 10m, kind: Recurring, recurrency: RecurrencyKindEnumType.Weekly, startSchedule: new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero), more: [(5 * 86400, 32m)]);
        var sunday = new DateTimeOffset(2025, 1, 12, 20, 0, 0, TimeSpan.Zero);
        Assert.Equal([(0, 32m), (14400, 10m)], Periods([On(0, weekly)], Evse1, sunday, 28800));

        // Weeks later it still holds, and at the exact boundary the new week starts.
        var later = new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(10m * 690m, CompositeScheduler.LimitAt([On(0, weekly)], Evse1, later)!.Value.Watts);
        Assert.Equal(32m * 690m, CompositeScheduler.LimitAt([On(0, weekly)], Evse1, later.AddSeconds(-1))!.Value.Watts);
    }

    [Fact]
    public void K08_a_Relative_profile_starts_with_the_transaction()
    {
        // The transaction started 10 minutes ago: 10 A for its first 30 minutes, then 16 A.
        var context = new ScheduleContext(1, "tx-1", T0.AddMinutes(-10));
        var relative = Tx(1, 10m, transactionId: "tx-1");
        relative.ChargingSchedule[0].ChargingSchedulePeriod.Add(new ChargingSchedulePeriodType { StartPeriod = 1800, Limit = 16m });
        Assert.Equal([(0, 10m), (1200, 16m)], Periods([On(1, relative)], context, T0, 3600));

        // Without a transaction a Relative profile starts with the schedule asked for.
        var idle = TxDefault(2, 10m);
        idle.ChargingSchedule[0].ChargingSchedulePeriod.Add(new ChargingSchedulePeriodType { StartPeriod = 1800, Limit = 16m });
        Assert.Equal([(0, 10m), (1800, 16m)], Periods([On(0, idle)], Evse1, T0, 3600));
    }

    [Fact]
    public void K08_a_Relative_profile_with_a_duration_ends_that_long_after_the_transaction_started()
    {
        var context = new ScheduleContext(1, "tx-1", T0.AddMinutes(-50));
        var profiles = new[] { On(0, TxDefault(1, 16m)), On(1, Profile(2, TxP, 6m, duration: 3600, transactionId: "tx-1")) };
        Assert.Equal([(0, 6m), (600, 16m)], Periods(profiles, context, T0, 1800));
    }

    [Fact]
    public void K08_validFrom_and_validTo_bound_a_profile_validTo_exclusive()
    {
        var window = Profile(2, TxDefaultP, 8m, stack: 1, validFrom: T0.AddHours(1), validTo: T0.AddHours(2));
        var profiles = new[] { On(0, TxDefault(1, 16m)), On(0, window) };
        Assert.Equal([(0, 16m), (3600, 8m), (7200, 16m)], Periods(profiles, Evse1, T0, 10800));
        Assert.Equal(8m * 690m, CompositeScheduler.LimitAt(profiles, Evse1, T0.AddHours(1))!.Value.Watts);
        Assert.Equal(16m * 690m, CompositeScheduler.LimitAt(profiles, Evse1, T0.AddHours(2))!.Value.Watts);
        Assert.Equal(8m * 690m, CompositeScheduler.LimitAt(profiles, Evse1, T0.AddHours(2).AddTicks(-1))!.Value.Watts);
    }

    [Fact]
    public void K08_an_Absolute_profile_without_startSchedule_starts_at_validFrom_or_when_installed()
    {
        var fromValid = Profile(1, TxDefaultP, 10m, kind: Absolute, validFrom: T0.AddMinutes(5), more: [(600, 12m)]);
        Assert.Equal([(0, 31.8m), (300, 10m), (900, 12m)], Periods([On(0, fromValid)], Evse1, T0, 1800));
        var installed = Profile(2, TxDefaultP, 10m, kind: Absolute, more: [(600, 12m)]);
        Assert.Equal([(0, 10m), (300, 12m)], Periods([On(0, installed, T0.AddMinutes(-5))], Evse1, T0, 1800));
    }

    [Fact]
    public void K08_where_no_profile_limits_the_EVSE_its_own_maximum_fills_the_schedule()
    {
        var absolute = Profile(1, TxDefaultP, 10m, kind: Absolute, startSchedule: T0, duration: 600);
        Assert.Equal([(0, 10m), (600, 31.8m)], Periods([On(0, absolute)], Evse1, T0, 1200));
        Assert.Equal([(0, 6900m), (600, 22000m)], Periods([On(0, absolute)], Evse1, T0, 1200, ChargingRateUnitEnumType.W));
    }

    [Theory]
    [InlineData(16, 3, 230, 11040)]
    [InlineData(16, 1, 230, 3680)]
    [InlineData(32, 3, 230, 22080)]
    [InlineData(10, 3, 400, 12000)]
    [InlineData(6, 2, 230, 2760)]
    public void K08_amperes_become_watts_with_the_voltage_and_the_periods_numberPhases(int amps, int phases, int voltage, int watts)
    {
        var profile = Profile(1, TxDefaultP, amps, phases: phases);
        var context = new ScheduleContext(1, Voltage: voltage);
        Assert.Equal((decimal)watts, CompositeScheduler.LimitAt([On(0, profile)], context, T0)!.Value.Watts);
        var schedule = CompositeScheduler.Schedule([On(0, profile)], context, T0, 60, ChargingRateUnitEnumType.W, 22000m)!;
        Assert.Equal((decimal)watts, schedule.ChargingSchedulePeriod[0].Limit);
        Assert.Equal(phases, schedule.ChargingSchedulePeriod[0].NumberPhases);
        var back = CompositeScheduler.Schedule([On(0, profile)], context, T0, 60, ChargingRateUnitEnumType.A, 22000m)!;
        Assert.Equal((decimal)amps, back.ChargingSchedulePeriod[0].Limit);
    }

    [Fact]
    public void K08_watts_become_amperes_over_the_default_phases_rounded_down_to_one_decimal()
    {
        var profile = TxDefault(1, 7000m, ChargingRateUnitEnumType.W);
        Assert.Equal([(0, 10.1m)], Periods([On(0, profile)], Evse1, T0, 60));
        Assert.Equal([(0, 30.4m)], Periods([On(0, profile)], Evse1 with { DefaultPhases = 1 }, T0, 60));
    }

    [Fact]
    public void K08_a_single_phase_limit_in_A_is_compared_in_watts_with_a_three_phase_one()
    {
        // 20 A on one phase (4600 W) is less than 8 A on three (5520 W).
        var profiles = new[] { On(0, TxDefault(1, 8m)), On(1, Profile(2, External, 20m, phases: 1)) };
        var limit = CompositeScheduler.LimitAt(profiles, Evse1, T0)!.Value;
        Assert.Equal(4600m, limit.Watts);
        Assert.Equal(1, limit.NumberPhases);
    }

    [Fact]
    public void K08_adjacent_equal_periods_are_merged()
    {
        var profile = Profile(1, TxDefaultP, 10m, more: [(600, 10m), (1200, 16m), (1800, 16m), (2400, 10m)]);
        Assert.Equal([(0, 10m), (1200, 16m), (2400, 10m)], Periods([On(0, profile)], Evse1, T0, 3600));

        // Periods equal only after composition merge as well: the maximum hides the TxDefaultProfile's change.
        var capped = new[] { On(0, Profile(1, TxDefaultP, 20m, more: [(600, 25m)])), On(0, StationMax(2, 11040m)) };
        Assert.Equal([(0, 16m)], Periods(capped, Evse1, T0, 1200));
    }

    [Fact]
    public void K08_only_what_falls_in_the_window_counts()
    {
        var profile = Profile(1, TxDefaultP, 10m, kind: Absolute, startSchedule: T0.AddHours(-1), more: [(1800, 12m), (7200, 14m)]);
        Assert.Equal([(0, 12m)], Periods([On(0, profile)], Evse1, T0, 600));
        Assert.Equal([(0, 12m), (3600, 14m)], Periods([On(0, profile)], Evse1, T0, 7200));
    }

    [Fact]
    public void K08_the_station_as_a_whole_is_limited_by_its_maximum_and_external_constraints_only()
    {
        var profiles = new[] { On(0, TxDefault(1, 6m)), On(0, StationMax(2, 30000m)), On(0, Profile(3, External, 25000m, ChargingRateUnitEnumType.W)) };
        Assert.Equal([(0, 25000m)], Periods(profiles, new ScheduleContext(0), T0, 60, ChargingRateUnitEnumType.W));
    }

    [Fact]
    public void K04_the_station_wide_limits_are_shared_equally_by_the_EVSEs_that_charge()
    {
        var profiles = new[] { On(0, TxDefault(1, 32m)), On(0, StationMax(2, 11040m)), On(0, Profile(3, External, 9000m, ChargingRateUnitEnumType.W)) };
        Assert.Equal([(0, 9000m)], Periods(profiles, Evse1, T0, 60, ChargingRateUnitEnumType.W));
        Assert.Equal([(0, 4500m)], Periods(profiles, Evse1 with { StationShares = 2 }, T0, 60, ChargingRateUnitEnumType.W));
        Assert.Equal([(0, 3000m)], Periods(profiles, Evse1 with { StationShares = 3 }, T0, 60, ChargingRateUnitEnumType.W));

        // The station as a whole keeps the whole; an EVSE's own limits are not shared.
        Assert.Equal([(0, 9000m)], Periods(profiles, new ScheduleContext(0, StationShares: 2), T0, 60, ChargingRateUnitEnumType.W));
        Assert.Equal([(0, 6m)], Periods([On(1, Profile(4, External, 6m))], Evse1 with { StationShares = 2 }, T0, 60));
    }

    [Fact]
    public void K08_a_recurring_profile_before_its_startSchedule_repeats_the_recurrence_before_it()
    {
        // Anchored tomorrow at 00:00: today at 10:00 is 10 h into the day before, as every day.
        var daily = Profile(1, TxDefaultP, 16m, kind: Recurring, recurrency: RecurrencyKindEnumType.Daily, startSchedule: new DateTimeOffset(2025, 1, 2, 0, 0, 0, TimeSpan.Zero), more: [(36000, 8m)]);
        Assert.Equal([(0, 8m), (50400, 16m)], Periods([On(0, daily)], Evse1, T0, 86400));
    }

    [Fact]
    public void K08_stack_levels_decide_among_TxProfiles_and_among_ChargingStationMaxProfiles_not_the_lower_limit()
    {
        var context = new ScheduleContext(1, "tx-1", T0);
        var tx = new[] { On(1, Tx(1, 6m, stack: 0, transactionId: "tx-1")), On(1, Profile(2, TxP, 20m, stack: 1, duration: 600, transactionId: "tx-1")) };
        Assert.Equal([(0, 20m), (600, 6m)], Periods(tx, context, T0, 1200));

        // Within ChargingStationMaxProfile the higher stack level wins even with the higher limit.
        var max = new[] { On(0, StationMax(3, 5000m, stack: 0)), On(0, StationMax(4, 9000m, stack: 1)) };
        Assert.Equal([(0, 9000m)], Periods(max, Evse1, T0, 60, ChargingRateUnitEnumType.W));
    }

    [Fact]
    public void K08_a_zero_duration_gives_the_limit_at_the_start()
    {
        var schedule = CompositeScheduler.Schedule([On(0, TxDefault(1, 10m))], Evse1, T0, 0, ChargingRateUnitEnumType.A, 22000m)!;
        Assert.Equal(0, schedule.Duration);
        Assert.Equal(10m, Assert.Single(schedule.ChargingSchedulePeriod).Limit);
    }

    [Fact]
    public void K08_an_edge_inside_a_second_counts_from_the_next_whole_second()
    {
        var profile = Profile(1, TxDefaultP, 10m, stack: 1, validFrom: T0.AddMilliseconds(1500));
        Assert.Equal([(0, 16m), (2, 10m)], Periods([On(0, TxDefault(2, 16m)), On(0, profile)], Evse1, T0, 60));
    }
}
