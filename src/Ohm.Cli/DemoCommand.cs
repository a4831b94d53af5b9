using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Station.DeviceModel;

namespace Ohm.Cli;

/// <summary><c>ohm demo</c>: the CSMS and a few simulated stations running transactions, in one process.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var stations = new Option<int>("--stations") { Description = "How many simulated stations.", DefaultValueFactory = _ => 3 };
        var port = new Option<int>("--port")
        {
            Description = "The CSMS's OCPP port on 127.0.0.1; 0 picks a free one (sets Ocpp:Url).",
            DefaultValueFactory = _ => 9000,
        };
        var apiPort = new Option<int>("--api-port")
        {
            Description = "The operator API's port on 127.0.0.1, as for ohm csms; 0 picks a free one (sets Api:Url).",
            DefaultValueFactory = _ => 8080,
        };
        var data = new Option<string?>("--data") { Description = "Where the CSMS and the stations keep their state (default: a new temporary folder, ohm-demo-<pid>; Storage:DataFolder is <data>/csms)." };
        var command = new Command("demo", "Start the CSMS (accepting any station, API without a key from loopback) and simulated stations that charge.") { stations, port, apiPort, data };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(stations), parse.GetValue(port), parse.GetValue(apiPort), parse.GetValue(data), TimeSpan.FromSeconds(20), cancellationToken,
            output: parse.InvocationConfiguration.Output, error: parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Runs the demo until cancelled, or until <paramref name="until"/> holds for the stations.</summary>
    public static async Task<int> RunAsync(
        int stations, int port, int apiPort, string? data, TimeSpan charge, CancellationToken cancellationToken,
        Func<IReadOnlyList<Ohm.Station.ChargingStation>, bool>? until = null, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        foreach (var (flag, value) in new[] { ("--port", port), ("--api-port", apiPort) })
        {
            if (value is < 0 or > 65535)
            {
                await error.WriteLineAsync($"ohm demo: {flag} must be between 0 and 65535 (is {value}).");
                return 2;
            }
        }

        if (port == apiPort && port != 0)
        {
            await error.WriteLineAsync($"ohm demo: --port and --api-port must differ (both are {port}).");
            return 2;
        }

        var dataRoot = data ?? Path.Combine(Path.GetTempPath(), "ohm-demo-" + Environment.ProcessId);
        WebApplication app;
        CsmsCommand.StartGate gate;
        try
        {
            app = BuildHost(port, apiPort, dataRoot, out gate);
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync("ohm demo: " + CsmsCommand.OneLine(ex));
            return 2;
        }

        await using (app)
        {
            if (!await CsmsCommand.TryStartAsync(app, gate, "ohm demo", "--port, --api-port", error, cancellationToken))
            {
                return 2;
            }

            await RegisterDriversAsync(app, stations);
            var endpoint = CsmsHost.OcppEndpoint(app);
            await output.WriteLineAsync($"Ohm demo {CsmsCommand.Version} is running: the CSMS and {stations} simulated stations; data in {dataRoot}.");
            CsmsCommand.WriteWhere(app, output);
            var api = CsmsHost.ApiEndpoint(app).ToString().TrimEnd('/');
            await output.WriteLineAsync($"  Open {api}/ in a browser for the fleet, the charging sessions and their charts; or try {api}/api/transactions. Ctrl+C stops.");
            var model = DeviceModelConfig.Builtin()
                .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
                .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "2")
                .With("SampledDataCtrlr", "TxUpdatedInterval", "10");
            var result = await StationCommand.RunManyAsync(endpoint, "DEMO", stations, null, model, dataRoot, charging: true, charge, cancellationToken, until);
            await app.StopAsync(CancellationToken.None);
            return result;
        }
    }

    private static WebApplication BuildHost(int port, int apiPort, string dataRoot, out CsmsCommand.StartGate gate) =>
        CsmsCommand.Build(
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Csms:AcceptUnknown"] = "true",
                ["Api:AllowLoopbackWithoutKey"] = "true",
                ["Ocpp:Url"] = $"http://127.0.0.1:{port}",
                ["Api:Url"] = $"http://127.0.0.1:{apiPort}",
                ["Storage:DataFolder"] = Path.Combine(dataRoot, "csms"),
            },
            out gate);

    /// <summary>Puts the tokens that the simulated drivers present (see ChargingActivity) into the CSMS's id-token store.</summary>
    private static Task RegisterDriversAsync(WebApplication app, int stations) =>
        app.Services.GetRequiredService<CsmsWriter>().ExecuteAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var known = db.IdTokens.Select(t => t.IdToken).ToHashSet(StringComparer.Ordinal);
            for (var station = 1; station <= stations; station++)
            {
                for (var evse = 1; evse <= 2; evse++)
                {
                    for (var session = 0; session < 5; session++)
                    {
                        var token = $"DEMO{station}-{evse}-{session}";
                        if (known.Add(token))
                        {
                            db.IdTokens.Add(new IdTokenRecord { IdToken = token, Type = Ohm.Ocpp.Messages.IdTokenEnumType.ISO14443, CreatedAt = now, UpdatedAt = now, PersonalMessage = "Welcome to the Ohm demo" });
                        }
                    }
                }
            }

            await Task.CompletedTask.ConfigureAwait(false);
        });
}
