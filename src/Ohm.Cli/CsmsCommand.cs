using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;

namespace Ohm.Cli;

/// <summary><c>ohm csms</c>: runs the CSMS.</summary>
internal static class CsmsCommand
{
    public static Command Create()
    {
        var ocppUrl = new Option<string?>("--ocpp-url") { Description = "Address the OCPP WebSocket endpoint listens on (default http://127.0.0.1:9000)." };
        var apiUrl = new Option<string?>("--api-url") { Description = "Address the operator API listens on (default http://127.0.0.1:8080)." };
        var acceptUnknown = new Option<bool>("--accept-unknown") { Description = "Development mode: accept any station identity without a password, and API calls from loopback without a key." };
        var data = new Option<string?>("--data") { Description = "Data folder; holds the SQLite database (default ./data)." };
        var db = new Option<string?>("--db") { Description = "Database connection string; one with Host= is PostgreSQL (default: SQLite in the data folder)." };
        var command = new Command("csms", "Run the CSMS: stations connect at <ocpp-url>/ocpp/<stationId>; operators use <api-url>/api.")
        {
            ocppUrl, apiUrl, acceptUnknown, data, db,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
            Set(overrides, "Ocpp:Url", parse.GetValue(ocppUrl));
            Set(overrides, "Api:Url", parse.GetValue(apiUrl));
            Set(overrides, "Storage:DataFolder", parse.GetValue(data));
            Set(overrides, "Storage:Database", parse.GetValue(db));
            if (parse.GetValue(acceptUnknown))
            {
                overrides["Csms:AcceptUnknown"] = "true";
                overrides["Api:AllowLoopbackWithoutKey"] = "true";
            }

            return await RunAsync(overrides, cancellationToken);
        });
        return command;
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[key] = value;
        }
    }

    /// <summary>Migrates and starts a built CSMS host; false, with the reason on standard error, when it cannot.</summary>
    public static async Task<bool> TryStartAsync(WebApplication app, string command, CancellationToken cancellationToken)
    {
        try
        {
            await CsmsHost.StartAsync(app, cancellationToken);
            return true;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"{command}: cannot listen on the OCPP or API address (--ocpp-url, --api-url, --port): {ex.Message}");
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"{command}: cannot open the database (--db / Storage:Database): {ex.Message}");
        }

        return false;
    }

    /// <summary>Builds, starts and runs the CSMS until Ctrl+C; returns the exit code.</summary>
    public static async Task<int> RunAsync(Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
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
            if (!await TryStartAsync(app, "ohm csms", cancellationToken))
            {
                return 2;
            }

            var database = app.Services.GetRequiredService<CsmsDatabase>();
            Console.WriteLine($"Ohm CSMS is running on {database.Description}.");
            Console.WriteLine($"  Stations connect to {CsmsHost.OcppEndpoint(app)}/<stationId> (subprotocol ocpp2.0.1).");
            Console.WriteLine($"  Operator API: {CsmsHost.ApiEndpoint(app)}api  (reference: {CsmsHost.ApiEndpoint(app)}scalar, metrics: /metrics)");
            Console.WriteLine("  Ctrl+C stops it.");
            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }
}
