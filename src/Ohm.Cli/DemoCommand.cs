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
        var port = new Option<int>("--port") { Description = "The CSMS port.", DefaultValueFactory = _ => 9000 };
        var data = new Option<string?>("--data") { Description = "Where the CSMS and the stations keep their state; default: a temporary folder." };
        var command = new Command("demo", "Start the CSMS (accepting any station) and simulated stations that charge.") { stations, port, data };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(stations), parse.GetValue(port), parse.GetValue(data), TimeSpan.FromSeconds(20), cancellationToken));
        return command;
    }

    /// <summary>Runs the demo until cancelled, or until <paramref name="until"/> holds for the stations.</summary>
    public static async Task<int> RunAsync(int stations, int port, string? data, TimeSpan charge, CancellationToken cancellationToken, Func<IReadOnlyList<Ohm.Station.ChargingStation>, bool>? until = null)
    {
        var dataRoot = data ?? Path.Combine(Path.GetTempPath(), "ohm-demo-" + Environment.ProcessId);
        var app = CsmsHost.Build(
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["Csms:AcceptUnknown"] = "true",
                ["Api:AllowLoopbackWithoutKey"] = "true",
                ["Ocpp:Url"] = $"http://127.0.0.1:{port}",
                ["Api:Url"] = $"http://127.0.0.1:{(port == 0 ? 0 : port + 1)}",
                ["Storage:DataFolder"] = Path.Combine(dataRoot, "csms"),
            },
            Directory.GetCurrentDirectory());
        await using (app)
        {
            if (!await CsmsCommand.TryStartAsync(app, "ohm demo", cancellationToken))
            {
                return 2;
            }

            await RegisterDriversAsync(app, stations);
            var endpoint = CsmsHost.OcppEndpoint(app);
            Console.WriteLine($"Ohm demo: CSMS at {endpoint}, operator API at {CsmsHost.ApiEndpoint(app)}api (try /api/transactions), data in {dataRoot}. Ctrl+C stops.");
            var model = DeviceModelConfig.Builtin()
                .With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "1")
                .With("OCPPCommCtrlr", "RetryBackOffRandomRange", "2")
                .With("SampledDataCtrlr", "TxUpdatedInterval", "10");
            var result = await StationCommand.RunManyAsync(endpoint, "DEMO", stations, null, model, dataRoot, charging: true, charge, cancellationToken, until);
            await app.StopAsync(CancellationToken.None);
            return result;
        }
    }

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
