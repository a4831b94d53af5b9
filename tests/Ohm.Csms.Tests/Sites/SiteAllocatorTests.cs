using Ohm.Csms.Sites;

namespace Ohm.Csms.Tests.Sites;

public sealed class SiteAllocatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    private static SiteNode Site(decimal limit, string id = "s", string? parent = null) => new(id, parent, limit);

    private static EvseLoad Ev(int evse, EvseLoadState state = EvseLoadState.Charging, string site = "s", int arrived = 0, decimal max = 32m,
        decimal? measured = null, decimal? previous = null, int priority = 0, decimal? required = null, bool fallback = false, decimal fallbackCurrent = 6m) =>
        new()
        {
            StationId = "cs" + (evse / 10),
            EvseId = evse,
            SiteId = site,
            State = state,
            MaxCurrent = max,
            Measured = measured,
            PreviousAllocation = previous,
            Priority = priority,
            ArrivedAt = T0.AddMinutes(arrived),
            RequiredCurrent = required,
            FallbackApplies = fallback,
            FallbackCurrent = fallbackCurrent,
        };

    private static decimal[] Run(decimal limit, params EvseLoad[] evses) =>
        [.. SiteAllocator.Allocate([Site(limit)], evses).Select(a => a.Allocated)];

    [Fact]
    public void Sites_fair_shares_split_the_limit_equally()
    {
        Assert.Equal([25m, 25m, 25m, 25m], Run(100m, Ev(1), Ev(2), Ev(3), Ev(4)));
    }

    [Fact]
    public void Sites_each_EV_gets_its_maximum_when_the_limit_allows()
    {
        Assert.Equal([32m, 16m], Run(100m, Ev(1), Ev(2, max: 16m)));
    }

    [Fact]
    public void Sites_an_EV_with_a_lower_maximum_leaves_the_rest_to_the_others()
    {
        Assert.Equal([10m, 27m, 27m], Run(64m, Ev(1, max: 10m), Ev(2), Ev(3)));
    }

    [Fact]
    public void Sites_never_below_the_minimum_the_latest_arrived_is_paused()
    {
        var result = SiteAllocator.Allocate([Site(20m)], [Ev(1, arrived: 0), Ev(2, arrived: 5), Ev(3, arrived: 10), Ev(4, arrived: 2)]);
        Assert.Equal([6.6m, 6.6m, 0m, 6.6m], result.Select(a => a.Allocated));
        Assert.True(result[2].Paused);
        Assert.All(result.Where(a => !a.Paused), a => Assert.True(a.Allocated >= 6m));
    }

    [Fact]
    public void Sites_a_higher_priority_group_is_paused_last()
    {
        var result = Run(12m, Ev(1, arrived: 0), Ev(2, arrived: 5, priority: 5), Ev(3, arrived: 10));
        Assert.Equal([6m, 6m, 0m], result);
        var only = Run(6m, Ev(1, arrived: 0), Ev(2, arrived: 5, priority: 5));
        Assert.Equal([0m, 6m], only);
    }

    [Fact]
    public void Sites_a_SuspendedEV_EV_keeps_only_its_minimum_and_its_share_goes_to_others()
    {
        Assert.Equal([6m, 32m, 32m], Run(70m, Ev(1, EvseLoadState.SuspendedEV), Ev(2), Ev(3)));
        Assert.Equal([6m, 17m, 17m], Run(40m, Ev(1, EvseLoadState.SuspendedEV), Ev(2), Ev(3)));
    }

    [Fact]
    public void Sites_a_SuspendedEV_EV_is_paused_before_a_charging_one()
    {
        Assert.Equal([0m, 10m], Run(10m, Ev(1, EvseLoadState.SuspendedEV, arrived: 0), Ev(2, arrived: 9)));
    }

    [Fact]
    public void Sites_an_EV_that_takes_less_than_offered_gives_the_rest_to_the_others()
    {
        // EV 1 was offered 25 A and draws 8 A: it is offered 10 A (8 + headroom), the others share the rest.
        Assert.Equal([10m, 30m, 30m], Run(70m, Ev(1, measured: 8m, previous: 25m), Ev(2, measured: 23m, previous: 23m), Ev(3)));
    }

    [Fact]
    public void Sites_an_EV_that_takes_what_it_is_offered_is_not_capped()
    {
        Assert.Equal([35m, 35m], Run(70m, Ev(1, max: 40m, measured: 24.5m, previous: 25m), Ev(2, max: 40m)));
    }

    [Fact]
    public void Sites_offline_stations_count_their_last_allocation_until_the_fallback_applies()
    {
        Assert.Equal([20m, 32m, 32m], Run(84m, Ev(1, EvseLoadState.Offline, previous: 20m), Ev(2), Ev(3)));
        Assert.Equal([6m, 32m, 32m], Run(84m, Ev(1, EvseLoadState.Offline, previous: 20m, fallback: true), Ev(2), Ev(3)));
        Assert.Equal([6m, 7m, 7m], Run(20m, Ev(1, EvseLoadState.Offline, fallback: true), Ev(2), Ev(3)));
    }

    [Fact]
    public void Sites_idle_EVSEs_take_nothing()
    {
        Assert.Equal([0m, 32m], Run(40m, Ev(1, EvseLoadState.Idle), Ev(2)));
    }

    [Fact]
    public void Sites_a_limit_below_every_minimum_pauses_all()
    {
        var result = SiteAllocator.Allocate([Site(5m)], [Ev(1), Ev(2)]);
        Assert.All(result, a => Assert.Equal(0m, a.Allocated));
        Assert.All(result, a => Assert.True(a.Paused));
    }

    [Fact]
    public void Sites_an_earlier_departure_gets_more_when_it_fits()
    {
        // EV 1 needs 29 A to finish by its departure, EV 2 needs 4 A: with 32 A EV 1 gets 26 A, EV 2 its minimum.
        Assert.Equal([26m, 6m], Run(32m, Ev(1, required: 29m), Ev(2, required: 4m)));

        // Both needs fit: then the rest is shared fairly above them.
        Assert.Equal([29m, 21m], Run(50m, Ev(1, required: 29m), Ev(2, required: 4m)));
    }

    [Fact]
    public void Sites_needs_that_do_not_fit_are_served_to_the_same_fraction()
    {
        // 40 A of room above nothing: 20 and 40 A needed, 2/3 of each.
        var result = Run(40m, Ev(1, required: 20m, max: 40m), Ev(2, required: 40m, max: 40m));
        Assert.InRange(result[0], 13.1m, 13.4m);
        Assert.InRange(result[1], 26.4m, 26.7m);
    }

    [Fact]
    public void Sites_a_child_sites_members_stay_within_its_limit_and_count_in_the_parent()
    {
        SiteNode[] sites = [Site(100m, "building"), Site(30m, "carpark", "building")];
        var result = SiteAllocator.Allocate(sites, [Ev(1, site: "carpark"), Ev(2, site: "carpark"), Ev(3, site: "building"), Ev(4, site: "building")]);
        Assert.Equal([15m, 15m, 32m, 32m], result.Select(a => a.Allocated));

        var tight = SiteAllocator.Allocate([Site(50m, "building"), Site(30m, "carpark", "building")],
            [Ev(1, site: "carpark"), Ev(2, site: "carpark"), Ev(3, site: "building")]);
        Assert.Equal([15m, 15m, 20m], tight.Select(a => a.Allocated));
    }

    [Fact]
    public void Sites_a_parent_limit_bounds_a_child_with_a_larger_limit()
    {
        var result = SiteAllocator.Allocate([Site(20m, "building"), Site(100m, "carpark", "building")], [Ev(1, site: "carpark"), Ev(2, site: "carpark"), Ev(3, site: "carpark")]);
        Assert.Equal(0m, SiteAllocator.Allocate([Site(11m, "building"), Site(100m, "carpark", "building")], [Ev(1, site: "carpark"), Ev(2, site: "carpark", arrived: 1)])[1].Allocated);
        Assert.Equal([6.6m, 6.6m, 6.6m], result.Select(a => a.Allocated));
    }

    [Fact]
    public void Sites_the_sum_never_exceeds_the_limit_random_cases()
    {
        var random = new Random(13);
        for (var round = 0; round < 300; round++)
        {
            var limit = random.Next(0, 200);
            var evses = Enumerable.Range(1, random.Next(1, 25)).Select(i => Ev(i,
                (EvseLoadState)random.Next(0, 4),
                arrived: random.Next(0, 100),
                max: random.Next(6, 40),
                measured: random.Next(3) == 0 ? random.Next(0, 32) : null,
                previous: random.Next(2) == 0 ? random.Next(0, 32) : null,
                priority: random.Next(0, 3),
                required: random.Next(3) == 0 ? random.Next(1, 40) : null,
                fallback: random.Next(2) == 0)).ToArray();
            var result = SiteAllocator.Allocate([Site(limit)], evses);
            var fixedLoad = result.Where(a => a.Fixed).Sum(a => a.Allocated);
            Assert.True(result.Sum(a => a.Allocated) <= Math.Max(limit, fixedLoad), $"round {round}: {result.Sum(a => a.Allocated)} > {limit}");
            for (var i = 0; i < evses.Length; i++)
            {
                if (!result[i].Fixed)
                {
                    Assert.True(result[i].Allocated == 0m || result[i].Allocated >= Math.Min(6m, evses[i].MaxCurrent), $"round {round}: EVSE {i + 1} got {result[i].Allocated}");
                    Assert.True(result[i].Allocated <= evses[i].MaxCurrent);
                }
            }
        }
    }

    [Theory]
    [InlineData(100, false, 0, 0, 100)]
    [InlineData(100, false, 10, 0, 90)]
    [InlineData(100, false, 10, 5, 85)]
    [InlineData(69000, true, 0, 0, 100)]
    [InlineData(69000, true, 0, 6900, 90)]
    [InlineData(5, false, 0, 10, 0)]
    public void Sites_effective_limit_applies_the_margin_and_converts_W(decimal limit, bool watts, decimal percent, decimal absolute, decimal expected)
    {
        Assert.Equal(expected, SiteAllocator.EffectiveLimit(limit, watts, 230m, 3, percent, absolute));
    }

    [Theory]
    [InlineData(7, 0, 50)] // before the first period of the day: the last of the day before (night tariff from 22:00)
    [InlineData(8, 0, 100)]
    [InlineData(21, 59, 100)]
    [InlineData(22, 0, 50)]
    [InlineData(23, 30, 50)]
    public void Sites_daily_schedule_wraps_past_midnight(int hour, int minute, decimal expected)
    {
        Assert.Equal(expected, SiteAllocator.ScheduledLimit([(8 * 60, 100m), (22 * 60, 50m)], new TimeOnly(hour, minute), 70m));
    }

    [Fact]
    public void Sites_next_period_edge()
    {
        Assert.Equal(TimeSpan.FromHours(2), SiteAllocator.UntilNextPeriodEdge([8 * 60, 22 * 60], new TimeOnly(20, 0)));
        Assert.Equal(TimeSpan.FromHours(10), SiteAllocator.UntilNextPeriodEdge([8 * 60, 22 * 60], new TimeOnly(22, 0)));
        Assert.Null(SiteAllocator.UntilNextPeriodEdge([], new TimeOnly(22, 0)));
    }
}
