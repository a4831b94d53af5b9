using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Cli;

/// <summary>Block K in the console: <c>limit EVSE W|off</c> (a local energy manager's limit, K11-K14) and the scenario's <c>limit</c> step.</summary>
public sealed class LimitCommandTests
{
    [Fact]
    public async Task K11_K14_the_limit_command_sets_and_releases_an_external_limit_and_lists_the_limits()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-LIMIT");

        using var output = new StringWriter();
        await StationCommand.LimitAsync(station, ["limit", "1", "7400"], output);
        Assert.Contains("EVSE 1: external limit 7400 W", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(7400m, station.Hardware.RateControl.Limit(1));
        await h.Csms.WaitFor<NotifyChargingLimitRequest>(n => n.EvseId == 1 && n.ChargingLimit.ChargingLimitSource == ChargingLimitSourceEnumType.EMS);

        using var listing = new StringWriter();
        await StationCommand.LimitAsync(station, ["limit"], listing);
        Assert.Contains("CS-LIMIT: 1 charging profile(s)", listing.ToString(), StringComparison.Ordinal);
        Assert.Contains("EVSE 1 ChargingStationExternalConstraints stack 0 (EMS)", listing.ToString(), StringComparison.Ordinal);
        Assert.Contains("EVSE 1: limit 7400 W", listing.ToString(), StringComparison.Ordinal);
        Assert.Contains("EVSE 2: limit none", listing.ToString(), StringComparison.Ordinal);

        using var released = new StringWriter();
        await StationCommand.LimitAsync(station, ["limit", "1", "off"], released);
        Assert.Contains("EVSE 1: external limit released", released.ToString(), StringComparison.Ordinal);
        Assert.Null(station.Hardware.RateControl.Limit(1));
        await h.Csms.WaitFor<ClearedChargingLimitRequest>(c => c.EvseId == 1);

        using var bad = new StringWriter();
        await StationCommand.LimitAsync(station, ["limit", "1", "lots"], bad);
        await StationCommand.LimitAsync(station, ["limit", "x"], bad);
        await StationCommand.LimitAsync(station, ["limit", "9", "5000"], bad);
        Assert.Contains("limit: 'lots' is not a number of watts (or off)", bad.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: limit EVSE W|off", bad.ToString(), StringComparison.Ordinal);
        Assert.Contains("EVSE 9: limit refused, UnknownEvse", bad.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task K11_a_scenario_limit_step_limits_what_the_EV_draws_and_off_releases_it()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-LIMIT-SC");
        var log = new List<string>();
        var limited = Scenario.Parse("""
            steps:
              - plug: 1
              - auth: { token: LIM1, evse: 1 }
              - limit: { evse: 1, watts: 7400 }
            """);
        Assert.Empty(await limited.RunAsync(station, log.Add, CancellationToken.None));
        Assert.Equal(7400m, station.Hardware.RateControl.Limit(1));
        Assert.Equal(7400m, station.Hardware.Meter.Read(1, MeasurandEnumType.PowerActiveImport)!.Value);
        Assert.Contains(log, l => l.Contains("external limit (EMS) of EVSE 1: 7400 W", StringComparison.Ordinal));

        var released = Scenario.Parse("""{ "steps": [ { "limit": { "evse": 1, "off": true } } ] }""");
        Assert.Empty(await released.RunAsync(station, log.Add, CancellationToken.None));
        Assert.Null(station.Hardware.RateControl.Limit(1));
    }
}
