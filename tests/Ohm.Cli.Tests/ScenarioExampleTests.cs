using System.Net;
using System.Text;
using Ohm.Csms.Server;
using Ohm.Station;

namespace Ohm.Cli.Tests;

/// <summary>The scenario example in docs/ runs, as written, against the development-mode CSMS (<c>ohm csms --accept-unknown</c>).</summary>
public sealed class ScenarioExampleTests
{
    private static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Ohm.slnx")))
            {
                return Path.Combine(folder.FullName, relative);
            }
        }

        throw new InvalidOperationException("The repository root (Ohm.slnx) is not above " + AppContext.BaseDirectory);
    }

    [Fact]
    public async Task The_docs_charge_scenario_passes_against_the_development_mode_CSMS()
    {
        var data = Directory.CreateTempSubdirectory("ohm-scenario-example-").FullName;
        try
        {
            // What `ohm csms --accept-unknown` sets (CsmsCommand), on free ports.
            var app = CsmsHost.Build(new Dictionary<string, string?>
            {
                ["Ocpp:Url"] = "http://127.0.0.1:0",
                ["Api:Url"] = "http://127.0.0.1:0",
                ["Csms:AcceptUnknown"] = "true",
                ["Api:AllowLoopbackWithoutKey"] = "true",
                ["Storage:DataFolder"] = Path.Combine(data, "csms"),
            }, data);
            await using (app)
            {
                await CsmsHost.StartAsync(app);

                // The file's precondition, as its comment gives it: the token in the store (loopback, no key: development mode).
                using var http = new HttpClient { BaseAddress = CsmsHost.ApiEndpoint(app) };
                var token = await http.PostAsync("api/id-tokens", new StringContent("""{"idToken":"RFID-0001","type":"ISO14443"}""", Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, token.StatusCode);

                var scenario = Scenario.Parse(await File.ReadAllTextAsync(RepositoryFile("docs/examples/charge.yaml")));
                Assert.NotEmpty(scenario.Steps);
                using var output = new StringWriter();
                var exit = await StationCommand.RunScenarioAsync(
                    new StationOptions { Endpoint = CsmsHost.OcppEndpoint(app), StationId = "CS002", DataDirectory = Path.Combine(data, "station") },
                    scenario,
                    output,
                    CancellationToken.None);

                Assert.True(exit == 0, output.ToString());
                Assert.Contains("scenario passed", output.ToString(), StringComparison.Ordinal);
                await app.StopAsync();
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
