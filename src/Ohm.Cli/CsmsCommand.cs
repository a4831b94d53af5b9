using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Ohm.Csms.Server;

namespace Ohm.Cli;

/// <summary><c>ohm csms</c>: runs the CSMS.</summary>
internal static class CsmsCommand
{
    public static Command Create()
    {
        var ocppUrl = new Option<string?>("--ocpp-url") { Description = "Address the OCPP WebSocket endpoint listens on (default http://127.0.0.1:9000)." };
        var acceptUnknown = new Option<bool>("--accept-unknown") { Description = "Development mode: accept any station identity without a password." };
        var command = new Command("csms", "Run the CSMS: stations connect at <ocpp-url>/ocpp/<stationId>.") { ocppUrl, acceptUnknown };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (parse.GetValue(ocppUrl) is { } url)
            {
                overrides["Ocpp:Url"] = url;
            }

            if (parse.GetValue(acceptUnknown))
            {
                overrides["Csms:AcceptUnknown"] = "true";
            }

            WebApplication app;
            try
            {
                app = CsmsHost.Build(overrides, Directory.GetCurrentDirectory());
            }
            catch (ConfigurationException ex)
            {
                await Console.Error.WriteLineAsync("ohm csms: " + ex.Message);
                return 2;
            }

            await using (app)
            {
                try
                {
                    await app.StartAsync(cancellationToken);
                }
                catch (IOException ex)
                {
                    await Console.Error.WriteLineAsync($"ohm csms: cannot listen on the --ocpp-url address: {ex.Message}");
                    return 2;
                }

                Console.WriteLine($"Ohm CSMS is running. Stations connect to {CsmsHost.OcppEndpoint(app)}/<stationId> (subprotocol ocpp2.0.1). Ctrl+C stops it.");
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }
}
