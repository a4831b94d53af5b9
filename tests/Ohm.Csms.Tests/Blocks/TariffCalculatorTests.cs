using Ohm.Csms.Blocks;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block I: the calculator's rules, each on its own.</summary>
public sealed class TariffCalculatorTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 6, 10, 0, 0, TimeSpan.Zero); // a Monday

    private static CostBreakdown Run(TariffDefinition tariff, decimal wh, TimeSpan charging, TimeSpan idle = default) =>
        TariffCalculator.Compute(
            tariff,
            [new EnergyReading(T0, 1000), new EnergyReading(T0 + charging, 1000 + wh)],
            [new ChargingStateChange(T0, "Charging"), new ChargingStateChange(T0 + charging, "SuspendedEV")],
            T0,
            T0 + charging + idle);

    [Fact]
    public void I02_energy_is_priced_per_kWh_of_the_import_register()
    {
        var cost = Run(new TariffDefinition { EnergyPerKwh = 0.30m }, 12_500, TimeSpan.FromHours(2));
        Assert.Equal(3.75m, cost.Energy);
        Assert.Equal(12.5m, cost.EnergyKwh);
        Assert.Equal(3.75m, cost.Total);
    }

    [Fact]
    public void I02_time_is_priced_per_hour_charging_only()
    {
        var cost = Run(new TariffDefinition { TimePerHour = 2m }, 1000, TimeSpan.FromMinutes(90), TimeSpan.FromHours(1));
        Assert.Equal(3m, cost.Time);
        Assert.Equal(0m, cost.Idle);
    }

    [Fact]
    public void I02_idle_after_charging_is_priced_past_the_grace_period()
    {
        var cost = Run(new TariffDefinition { IdlePerHour = 6m, IdleGraceMinutes = 30 }, 1000, TimeSpan.FromHours(1), TimeSpan.FromMinutes(50));
        Assert.Equal(2m, cost.Idle); // 20 minutes past the grace at 6/h
        var withinGrace = Run(new TariffDefinition { IdlePerHour = 6m, IdleGraceMinutes = 30 }, 1000, TimeSpan.FromHours(1), TimeSpan.FromMinutes(25));
        Assert.Equal(0m, withinGrace.Idle);
    }

    [Fact]
    public void I02_idle_before_charging_started_is_not_priced()
    {
        var cost = TariffCalculator.Compute(
            new TariffDefinition { IdlePerHour = 6m },
            [],
            [new ChargingStateChange(T0, "EVConnected"), new ChargingStateChange(T0.AddHours(1), "Charging")],
            T0,
            T0.AddHours(2));
        Assert.Equal(0m, cost.Idle);
    }

    [Fact]
    public void I03_session_fee_and_minimum_and_maximum()
    {
        Assert.Equal(1.30m, Run(new TariffDefinition { EnergyPerKwh = 0.30m, SessionFee = 1m }, 1000, TimeSpan.FromHours(1)).Total);
        Assert.Equal(5m, Run(new TariffDefinition { EnergyPerKwh = 0.30m, MinCost = 5m }, 1000, TimeSpan.FromHours(1)).Total);
        Assert.Equal(10m, Run(new TariffDefinition { EnergyPerKwh = 0.30m, MaxCost = 10m }, 100_000, TimeSpan.FromHours(1)).Total);
    }

    [Fact]
    public void I03_net_prices_add_the_tax_gross_prices_contain_it()
    {
        var net = Run(new TariffDefinition { EnergyPerKwh = 1m, TaxPercent = 21m }, 10_000, TimeSpan.FromHours(1));
        Assert.Equal(2.10m, net.Tax);
        Assert.Equal(12.10m, net.Total);
        var gross = Run(new TariffDefinition { EnergyPerKwh = 1.21m, TaxPercent = 21m, PricesIncludeTax = true }, 10_000, TimeSpan.FromHours(1));
        Assert.Equal(12.10m, gross.Total);
        Assert.Equal(2.10m, gross.Tax);
    }

    [Fact]
    public void I02_a_time_of_day_period_overrides_the_price_in_the_tariffs_time_zone()
    {
        // 18:00-22:00 in Amsterdam (UTC+1 in January) is 17:00-21:00 UTC.
        var tariff = new TariffDefinition
        {
            EnergyPerKwh = 0.30m, TimeZone = "Europe/Amsterdam",
            Periods = [new TariffPeriod { From = new TimeOnly(18, 0), To = new TimeOnly(22, 0), EnergyPerKwh = 0.50m }],
        };
        var start = new DateTimeOffset(2025, 1, 6, 17, 30, 0, TimeSpan.Zero);
        var inPeriod = TariffCalculator.Compute(tariff, [new(start, 0), new(start.AddHours(1), 10_000)], [], start, start.AddHours(1));
        Assert.Equal(5m, inPeriod.Energy);
    }

    [Fact]
    public void I02_energy_across_a_period_boundary_is_split_by_time()
    {
        // 16:00-18:00 UTC = 17:00-19:00 Amsterdam; the period starts at 18:00 local: half the energy at each price.
        var tariff = new TariffDefinition
        {
            EnergyPerKwh = 0.20m, TimePerHour = 1m, TimeZone = "Europe/Amsterdam",
            Periods = [new TariffPeriod { From = new TimeOnly(18, 0), To = new TimeOnly(22, 0), EnergyPerKwh = 0.60m, TimePerHour = 3m }],
        };
        var start = new DateTimeOffset(2025, 1, 6, 16, 0, 0, TimeSpan.Zero);
        var cost = TariffCalculator.Compute(tariff, [new(start, 0), new(start.AddHours(2), 20_000)], [new(start, "Charging")], start, start.AddHours(2));
        Assert.Equal((10m * 0.20m) + (10m * 0.60m), cost.Energy);
        Assert.Equal(1m + 3m, cost.Time);
    }

    [Fact]
    public void I02_a_weekday_period_applies_only_on_its_days()
    {
        var tariff = new TariffDefinition
        {
            EnergyPerKwh = 0.30m,
            Periods = [new TariffPeriod { Days = [DayOfWeek.Saturday, DayOfWeek.Sunday], From = new TimeOnly(0, 0), To = new TimeOnly(0, 0).AddMinutes(-1), EnergyPerKwh = 0.10m }],
        };
        var monday = T0;
        var saturday = T0.AddDays(5);
        Assert.Equal(3m, TariffCalculator.Compute(tariff, [new(monday, 0), new(monday.AddHours(1), 10_000)], [], monday, monday.AddHours(1)).Energy);
        Assert.Equal(1m, TariffCalculator.Compute(tariff, [new(saturday, 0), new(saturday.AddHours(1), 10_000)], [], saturday, saturday.AddHours(1)).Energy);
    }

    [Fact]
    public void I06_a_new_version_prices_energy_and_time_from_its_start_with_the_first_versions_fee_and_tax()
    {
        var first = new TariffDefinition { EnergyPerKwh = 0.20m, TimePerHour = 1m, SessionFee = 1m, TaxPercent = 10m };
        var second = new TariffDefinition { EnergyPerKwh = 0.40m, TimePerHour = 3m, SessionFee = 5m, TaxPercent = 50m };
        var cost = TariffCalculator.Compute(
            [new TariffChange(DateTimeOffset.MinValue, first), new TariffChange(T0.AddMinutes(30), second)],
            [new(T0, 0), new(T0.AddHours(1), 10_000)],
            [new(T0, "Charging")],
            T0,
            T0.AddHours(1));
        Assert.Equal((5m * 0.20m) + (5m * 0.40m), cost.Energy); // half the hour's energy at each price
        Assert.Equal(0.5m + 1.5m, cost.Time);
        Assert.Equal(1m, cost.Fees);
        Assert.Equal(Math.Round((3m + 2m + 1m) * 0.10m, 2), cost.Tax);
    }

    [Fact]
    public void I06_a_new_version_in_another_currency_does_not_apply()
    {
        var cost = TariffCalculator.Compute(
            [new TariffChange(DateTimeOffset.MinValue, new TariffDefinition { EnergyPerKwh = 0.20m }), new TariffChange(T0.AddMinutes(30), new TariffDefinition { Currency = "USD", EnergyPerKwh = 9m })],
            [new(T0, 0), new(T0.AddHours(1), 10_000)],
            [],
            T0,
            T0.AddHours(1));
        Assert.Equal(2m, cost.Energy);
        Assert.Equal("EUR", cost.Currency);
    }

    [Fact]
    public void I06_a_new_version_with_periods_splits_at_its_own_period_edges()
    {
        var second = new TariffDefinition { EnergyPerKwh = 0.40m, Periods = [new TariffPeriod { From = new TimeOnly(10, 45), To = new TimeOnly(11, 0), EnergyPerKwh = 1m }] };
        var cost = TariffCalculator.Compute(
            [new TariffChange(DateTimeOffset.MinValue, new TariffDefinition { EnergyPerKwh = 0.20m }), new TariffChange(T0.AddMinutes(30), second)],
            [new(T0, 0), new(T0.AddHours(1), 4_000)],
            [],
            T0,
            T0.AddHours(1));
        Assert.Equal((2m * 0.20m) + (1m * 0.40m) + (1m * 1m), cost.Energy);
    }

    [Fact]
    public void I01_the_text_is_in_language1_then_language2_then_the_default()
    {
        var tariff = new TariffDefinition { Texts = new() { ["nl"] = "Nederlands", ["de"] = "Deutsch" }, DefaultText = "English" };
        Assert.Equal(("Nederlands", "nl"), TariffCost.Text(tariff, "nl", "de"));
        Assert.Equal(("Deutsch", "de"), TariffCost.Text(tariff, "fr", "de"));
        Assert.Equal(("English", (string?)null), TariffCost.Text(tariff, "fr", null));
    }
}
