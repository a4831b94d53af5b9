using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Station.DeviceModel;

namespace Ohm.Cli;

/// <summary><c>ohm demo</c>: the CSMS and a few simulated stations running transactions, in one process.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var stations = new Option<int>("--stations") { Description = "How many simulated stations.", DefaultValueFactory = _ => 3 };
        var port = new Option<int>("--port") { Description = "The CSMS port.", DefaultValueFactory = _ => 9000 };
        var data = new Option<string?>("--data") { Description = "Where the stations keep their state; default: a temporary folder." };
        var command = new Command("demo", "Start the CSMS (accepting any station) and simulated stations that charge.") { stations, port, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var app = CsmsHost.Build(
                new Dictionary<string, string?>(StringComparer.Ordinal)
                {
                    ["Csms:AcceptUnknown"] = "true",
                    ["Ocpp:Url"] = $"http://127.0.0.1:{parse.GetValue(port)}",
                },
                Directory.GetCurrentDirectory());
            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException ex)
                {
                    await Console.Error.WriteLineAsync("ohm demo: cannot listen: " + ex.Message);
                    return 2;
                }

                var endpoint = CsmsHost.OcppEndpoint(app);
                var dataRoot = parse.GetValue(data) ?? Path.Combine(Path.GetTempPath(), "ohm-demo-" + Environment.ProcessId);
                Console.WriteLine($"Ohm demo: CSMS at {endpoint}, stations' data in {dataRoot}. Ctrl+C stops.");
                var model = DeviceModelConfig.Builtin()
                    .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
                    .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "2")
                    .With("SampledDataCtrlr", "TxUpdatedInterval", "10")
                    .With("AuthCtrlr", "Enabled", "false"); // the CSMS does not serve Authorize yet
                var result = await StationCommand.RunManyAsync(endpoint, "DEMO", parse.GetValue(stations), null, model, dataRoot, charging: true, TimeSpan.FromSeconds(20), cancellationToken);
                await app.StopAsync(CancellationToken.None);
                return result;
            }
        });
        return command;
    }
}
