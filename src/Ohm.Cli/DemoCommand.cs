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
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(stations), parse.GetValue(port), parse.GetValue(data), TimeSpan.FromSeconds(20), cancellationToken));
        return command;
    }

    /// <summary>Runs the demo until cancelled, or until <paramref name="until"/> holds for the stations.</summary>
    public static async Task<int> RunAsync(int stations, int port, string? data, TimeSpan charge, CancellationToken cancellationToken, Func<IReadOnlyList<Ohm.Station.ChargingStation>, bool>? until = null)
    {
        var app = CsmsHost.Build(
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Csms:AcceptUnknown"] = "true",
                ["Ocpp:Url"] = $"http://127.0.0.1:{port}",
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
            var dataRoot = data ?? Path.Combine(Path.GetTempPath(), "ohm-demo-" + Environment.ProcessId);
            Console.WriteLine($"Ohm demo: CSMS at {endpoint}, stations' data in {dataRoot}. Ctrl+C stops.");
            var model = DeviceModelConfig.Builtin()
                .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
                .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "2")
                .With("SampledDataCtrlr", "TxUpdatedInterval", "10")
                .With("AuthCtrlr", "Enabled", "false"); // the CSMS does not serve Authorize yet
            var result = await StationCommand.RunManyAsync(endpoint, "DEMO", stations, null, model, dataRoot, charging: true, charge, cancellationToken, until);
            await app.StopAsync(CancellationToken.None);
            return result;
        }
    }
}
