using System.Diagnostics;
using Ohm.Cli;
using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Cli;

public sealed class StationCommandTests
{
    private const string Charging = """
        steps:
          - plug: 1
          - auth: { token: ABC123, evse: 1 }
          - charge: { evse: 1, power: 22000, seconds: 1 }
          - offline: 1
          - network: offline
          - unplug: 1
          - wait: 1
          - network: online
        expect:
          accepted: true
          transactionsStarted: 1
          transactionsEnded: 1
          queueEmpty: true
          minEnergyWh: 1
        """;

    [Fact]
    public async Task Ohm_station_scenario_plug_token_charge_offline_unplug_passes_its_expectations()
    {
        await using var h = await StationHarness.StartAsync();
        using var output = new StringWriter();
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN"), Scenario.Parse(Charging), output, CancellationToken.None);
        Assert.True(code == 0, output.ToString());
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.True(ended.Offline);
        Assert.Equal(ReasonEnumType.EVDisconnected, ended.TransactionInfo.StoppedReason);
    }

    [Fact]
    public async Task Ohm_station_scenario_exits_non_zero_when_an_expectation_fails()
    {
        await using var h = await StationHarness.StartAsync();
        using var output = new StringWriter();
        var scenario = Scenario.Parse("""{ "steps": [ { "plug": 2 } ], "expect": { "transactionsStarted": 1 } }""");
        var code = await StationCommand.RunScenarioAsync(h.Options("CS-SCN-FAIL"), scenario, output, CancellationToken.None);
        Assert.Equal(1, code);
        Assert.Contains("transactionsStarted: 0, expected 1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task E_Kill_9_of_ohm_station_during_a_transaction_then_a_restart_continues_with_the_next_seqNo()
    {
        await using var h = await StationHarness.StartAsync();
        var data = Path.Combine(h.DataRoot, "KILL9");
        var first = Path.Combine(h.DataRoot, "first.yaml");
        var second = Path.Combine(h.DataRoot, "second.yaml");
        Directory.CreateDirectory(h.DataRoot);
        await File.WriteAllTextAsync(first, "steps:\n  - plug: 1\n  - auth: { token: K9, evse: 1 }\n  - wait: 600\n");
        await File.WriteAllTextAsync(second, "steps:\n  - unplug: 1\nexpect:\n  transactionsEnded: 1\n  queueEmpty: true\n");

        using (var station = Ohm(h, data, first))
        {
            // The station persists the next seqNo before an event leaves, so once the CSMS has it, it is on disk.
            await h.Csms.WaitForEvent(TransactionEventEnumType.Started, seconds: 60);
            station.Kill(entireProcessTree: true); // SIGKILL: no clean stop of any kind
            await station.WaitForExitAsync();
        }

        var before = h.Csms.Events("KILL9");
        using (var station = Ohm(h, data, second))
        {
            await station.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
            Assert.True(station.ExitCode == 0, await station.StandardOutput.ReadToEndAsync());
        }

        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(before[0].TransactionInfo.TransactionId, ended.TransactionInfo.TransactionId);
        Assert.Equal(before.Max(e => e.SeqNo) + 1, ended.SeqNo);
        // An event the kill caught before its answer was stored is sent again with the same seqNo (the CSMS sees a
        // duplicate it can recognise); apart from that, seqNos run from 0 without a gap or a reuse.
        var seqNos = h.Csms.Events("KILL9").Select(e => e.SeqNo).ToList();
        Assert.Equal(Enumerable.Range(0, seqNos.Max() + 1), seqNos.Distinct().Order());
        Assert.True(seqNos.Count - seqNos.Distinct().Count() <= 1, "at most the one unacknowledged event is sent twice: " + string.Join(",", seqNos));
    }

    private static Process Ohm(StationHarness h, string data, string scenario)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ohm.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "station", "--url", h.Csms.Endpoint.ToString(), "--id", "KILL9", "--data", data, "--scenario", scenario })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }
}

public sealed class ManyStationsAndDemoTests
{
    [Fact]
    public async Task Ohm_station_count_runs_N_stations_in_one_process_that_charge()
    {
        await using var h = await StationHarness.StartAsync();
        var code = await StationCommand.RunManyAsync(
            h.Csms.Endpoint,
            "MANY",
            3,
            null,
            StationHarness.Config(),
            h.DataRoot,
            charging: true,
            TimeSpan.FromSeconds(1),
            CancellationToken.None,
            until: stations => stations.All(s => s.Transactions.EndedCount >= 1 && s.QueueLength == 0));
        Assert.Equal(0, code);
        Assert.Equal(["MANY1", "MANY2", "MANY3"], h.Csms.All.Where(r => r.Action == "BootNotification").Select(r => r.StationId).Order());
        foreach (var id in new[] { "MANY1", "MANY2", "MANY3" })
        {
            Assert.Contains(h.Csms.Events(id), e => e.EventType == TransactionEventEnumType.Ended);
        }
    }

    [Fact]
    public async Task Ohm_demo_starts_the_CSMS_and_stations_that_run_transactions()
    {
        var data = Path.Combine(Path.GetTempPath(), "ohm-demo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var code = await DemoCommand.RunAsync(2, 0, 0, data, TimeSpan.FromSeconds(1), CancellationToken.None, stations => stations.All(s => s.IsOnline && s.Transactions.EndedCount >= 1));
            Assert.Equal(0, code);
            Assert.True(Directory.Exists(Path.Combine(data, "DEMO1")));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(data))
            {
                Directory.Delete(data, true);
            }
        }
    }

    [Fact]
    public async Task Ohm_station_interactive_console_plugs_reports_status_and_quits()
    {
        await using var h = await StationHarness.StartAsync();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "ohm.dll"), "station", "--url", h.Csms.Endpoint.ToString(), "--id", "CONSOLE", "--data", Path.Combine(h.DataRoot, "CONSOLE"), "--evses", "1" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await h.Csms.WaitFor<StatusNotificationRequest>(null, 60);
        await process.StandardInput.WriteLineAsync("plug 1");
        await h.Csms.WaitFor<StatusNotificationRequest>(s => s.ConnectorStatus == ConnectorStatusEnumType.Occupied, 60);
        await process.StandardInput.WriteLineAsync("status");
        await TestCsms.Until(() => { lock (output) { return output.ToString().Contains("EVSE 1: Occupied", StringComparison.Ordinal); } }, "status printed", 60);
        await process.StandardInput.WriteLineAsync("quit");
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
        Assert.Single(h.Csms.Of<StatusNotificationRequest>("CONSOLE"), s => s.EvseId == 1 && s.ConnectorStatus == ConnectorStatusEnumType.Available);
    }

    [Fact]
    public async Task Ohm_station_console_list_prints_the_local_list_version_and_entries()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-LIST");
        using var empty = new StringWriter();
        StationCommand.PrintLocalList(station, empty);
        Assert.Equal("CS-LIST: local list enabled, version 0, 0 entries", empty.ToString().Trim());

        var response = await h.Csms.Call("CS-LIST", new SendLocalListRequest
        {
            UpdateType = UpdateEnumType.Full,
            VersionNumber = 3,
            LocalAuthorizationList =
            [
                new AuthorizationData { IdToken = new IdTokenType { IdToken = "A", Type = IdTokenEnumType.ISO14443 }, IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } },
                new AuthorizationData
                {
                    IdToken = new IdTokenType { IdToken = "B", Type = IdTokenEnumType.Central },
                    IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Blocked, CacheExpiryDateTime = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero) },
                },
            ],
        });
        Assert.Equal(SendLocalListStatusEnumType.Accepted, response.Status);
        using var output = new StringWriter();
        StationCommand.PrintLocalList(station, output);
        Assert.Equal(
            ["CS-LIST: local list enabled, version 3, 2 entries", "  A (ISO14443): Accepted", "  B (Central): Blocked, expires 2030-01-02T03:04:05Z"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
