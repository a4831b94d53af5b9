using System.Diagnostics;
using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Iso15118;

/// <summary>The simulator's console and scenario steps for ISO 15118 EVs (K15, K17).</summary>
public sealed class Iso15118CliTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void K15_console_ev15118_reads_AC_and_DC_needs_and_refuses_bad_numbers()
    {
        var ac = StationCommand.ParseEvNeeds(["ev15118", "1", "30000", "120", "16"], Now).Needs;
        Assert.Equal(EnergyTransferModeEnumType.ACThreePhase, ac.RequestedEnergyTransfer);
        Assert.Equal(Now.AddHours(2), ac.DepartureTime);
        Assert.Equal((30000, 16, 6), (ac.AcChargingParameters!.EnergyAmount, ac.AcChargingParameters.EvMaxCurrent, ac.AcChargingParameters.EvMinCurrent));

        var noDeparture = StationCommand.ParseEvNeeds(["ev15118", "1", "5000", "0"], Now).Needs;
        Assert.Null(noDeparture.DepartureTime);
        Assert.Equal(32, noDeparture.AcChargingParameters!.EvMaxCurrent);

        var dc = StationCommand.ParseEvNeeds(["ev15118", "1", "40000", "30", "dc", "150"], Now).Needs;
        Assert.Equal(EnergyTransferModeEnumType.DC, dc.RequestedEnergyTransfer);
        Assert.Equal(150000, dc.DcChargingParameters!.EvMaxPower);

        Assert.Contains("WH", Assert.Throws<ArgumentException>(() => StationCommand.ParseEvNeeds(["ev15118", "1", "lots", "30"], Now)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StationCommand.ParseEvNeeds(["ev15118", "1", "100", "-5"], Now));
        Assert.Throws<ArgumentException>(() => StationCommand.ParseEvNeeds(["ev15118", "1"], Now));
    }

    [Fact]
    public async Task K15_K17_scenario_an_ISO_15118_EV_plugs_in_renegotiates_and_its_schedule_is_reported()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        using var output = new StringWriter();
        var scenario = Scenario.Parse("""
            steps:
              - ev15118: { evse: 2, energyWh: 30000, departureMinutes: 120, maxCurrent: 16 }
              - auth: { token: ISO1, evse: 2 }
              - renegotiate: { evse: 2, energyWh: 9000, departureMinutes: 60, maxCurrent: 10 }
            expect:
              transactionsStarted: 1
              iso15118Scheduled: 2
            """);
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN-ISO"), scenario, output, CancellationToken.None);
        Assert.True(code == 0, output.ToString());
        await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>(n => n.ChargingNeeds.AcChargingParameters!.EnergyAmount == 9000);
        Assert.All(h.Csms.Of<NotifyEVChargingNeedsRequest>(), n => Assert.Equal(2, n.EvseId));
    }

    [Fact]
    public async Task K15_K17_the_example_scenario_docs_examples_iso15118_yaml_passes()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ohm.slnx")))
        {
            dir = dir.Parent;
        }

        var scenario = Scenario.Parse(await File.ReadAllTextAsync(Path.Combine(dir!.FullName, "docs", "examples", "iso15118.yaml")));
        using var output = new StringWriter();
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN-ISO-EX"), scenario, output, CancellationToken.None);
        Assert.True(code == 0, output.ToString());
        Assert.Equal([30000, 10000], h.Csms.Of<NotifyEVChargingNeedsRequest>().Select(n => n.ChargingNeeds.AcChargingParameters!.EnergyAmount));
        Assert.True(h.Csms.Of<NotifyEVChargingScheduleRequest>().Count >= 1);
    }

    [Fact]
    public async Task K15_console_iso15118_prints_the_negotiation_of_each_EVSE()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var station = await h.StartStation("CS-ISO-PRINT");
        await station.Iso15118.PlugInAsync(1, StationCommand.ParseEvNeeds(["ev15118", "1", "12000", "0", "16"], Now));
        await Drive.Do(station, "auth");
        await TestCsms.Until(() => station.Iso15118.Status(1)?.ScheduleAnswer is not null, "the schedule reported");

        using var output = new StringWriter();
        StationCommand.PrintIso15118(station, output);
        var text = output.ToString();
        Assert.Contains("ISO 15118 load levelling enabled", text, StringComparison.Ordinal);
        Assert.Contains("EVSE 1: transaction " + station.Evses[1].Transaction!.Id + ", needs 12000 Wh by -, answer Rejected, chosen +0s 11040 W, reported Accepted, negotiations 1", text, StringComparison.Ordinal);
        Assert.Contains("EVSE 2: no ISO 15118 session", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task K15_K17_ohm_station_console_ev15118_and_renegotiate_send_the_EVs_needs()
    {
        await using var h = await StationHarness.StartAsync();
        h.Csms.NotifyEVChargingNeeds = _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Rejected };
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ohm.dll"), "station", "--url", h.Csms.Endpoint.ToString(), "--id", "CONSOLE-ISO", "--data", Path.Combine(h.DataRoot, "CONSOLE-ISO"), "--evses", "1" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await h.Csms.WaitFor<StatusNotificationRequest>(null, 60);

        await process.StandardInput.WriteLineAsync("ev15118 1 lots 60");
        await TestCsms.Until(() => { lock (output) { return output.ToString().Contains("WH must be a whole number", StringComparison.Ordinal); } }, "the usage error", 60);
        await process.StandardInput.WriteLineAsync("ev15118 1 20000 60 16");
        await process.StandardInput.WriteLineAsync("auth TOKEN-ISO 1");
        var first = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>(null, 60);
        Assert.Equal(16, first.ChargingNeeds.AcChargingParameters!.EvMaxCurrent);
        await h.Csms.WaitFor<NotifyEVChargingScheduleRequest>(null, 60);

        await process.StandardInput.WriteLineAsync("renegotiate 1 5000 30 10");
        var second = await h.Csms.WaitFor<NotifyEVChargingNeedsRequest>(n => n.ChargingNeeds.AcChargingParameters!.EnergyAmount == 5000, 60);
        Assert.Equal(10, second.ChargingNeeds.AcChargingParameters!.EvMaxCurrent);
        await process.StandardInput.WriteLineAsync("iso15118");
        await TestCsms.Until(() => { lock (output) { return output.ToString().Contains("needs 5000 Wh", StringComparison.Ordinal); } }, "iso15118 printed", 60);
        await process.StandardInput.WriteLineAsync("quit");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task K15_scenario_expectation_fails_when_no_ISO_15118_schedule_was_reported()
    {
        await using var h = await StationHarness.StartAsync();
        using var output = new StringWriter();
        var scenario = Scenario.Parse("""{ "steps": [ { "plug": 1 } ], "expect": { "iso15118Scheduled": 1, "timeoutSeconds": 0 } }""");
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN-ISO-FAIL"), scenario, output, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("iso15118Scheduled: no schedule reported for EVSE 1", output.ToString(), StringComparison.Ordinal);
    }
}
