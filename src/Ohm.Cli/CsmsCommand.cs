using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;

namespace Ohm.Cli;

/// <summary><c>ohm csms</c>: runs the CSMS.</summary>
internal static class CsmsCommand
{
    /// <summary>The version of ohm, as <c>ohm --version</c> prints it (the informational version, from VersionPrefix and VersionSuffix).</summary>
    public static string Version { get; } =
        typeof(CsmsCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static Command Create()
    {
        // A flag that is not given overrides nothing, so that appsettings.json and OHM__ variables decide; the
        // DefaultValueFactory only shows the built-in default in --help (see Given).
        var ocppUrl = new Option<string>("--ocpp-url")
        {
            Description = "Address the OCPP WebSocket endpoint listens on; https for security profiles 2 and 3 (Ocpp:Url).",
            DefaultValueFactory = _ => "http://127.0.0.1:9000",
        };
        var apiUrl = new Option<string>("--api-url")
        {
            Description = "Address the operator API, /health, /metrics, /openapi/v1.json and /scalar listen on (Api:Url).",
            DefaultValueFactory = _ => "http://127.0.0.1:8080",
        };
        var acceptUnknown = new Option<bool>("--accept-unknown")
        {
            Description = "Development mode: register unknown stations on first connection, and take API calls from loopback without a key (default off; Csms:AcceptUnknown, Api:AllowLoopbackWithoutKey).",
        };
        var data = new Option<string>("--data")
        {
            Description = "Data folder, relative to the working directory; holds the SQLite database (Storage:DataFolder).",
            DefaultValueFactory = _ => "data",
        };
        var db = new Option<string?>("--db")
        {
            Description = "Database connection string; one with Host= is PostgreSQL (default none: SQLite in the data folder; Storage:Database).",
        };
        var cluster = new Option<bool>("--cluster")
        {
            Description = "Join a cluster of CSMS nodes that share the PostgreSQL of --db (Microsoft Orleans; Cluster:Enabled; ports and ids in Cluster:SiloPort, Cluster:GatewayPort, Cluster:AdvertisedAddress, Cluster:ClusterId, Cluster:ServiceId).",
        };
        var command = new Command("csms", "Run the CSMS: stations connect at <ocpp-url>/ocpp/<stationId>; operators use <api-url>/api. Settings come from appsettings.json in the working directory, then OHM__ environment variables (OHM__Api__Key=...), then these flags.")
        {
            ocppUrl, apiUrl, acceptUnknown, data, db, cluster,
        };
        command.Subcommands.Add(UserCommand.Create()); // ohm csms user add|list|remove
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = Overrides(parse);
            return await RunAsync(overrides, parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    /// <summary>The settings that the flags given on the command line set; a flag left out (its default) sets none.</summary>
    internal static Dictionary<string, string?> Overrides(ParseResult parse)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        Set(overrides, "Ocpp:Url", Given<string>(parse, "--ocpp-url"));
        Set(overrides, "Api:Url", Given<string>(parse, "--api-url"));
        Set(overrides, "Storage:DataFolder", Given<string>(parse, "--data"));
        Set(overrides, "Storage:Database", Given<string?>(parse, "--db"));
        if (parse.GetValue<bool>("--cluster"))
        {
            overrides["Cluster:Enabled"] = "true";
        }

        if (parse.GetValue<bool>("--accept-unknown"))
        {
            overrides["Csms:AcceptUnknown"] = "true";
            overrides["Api:AllowLoopbackWithoutKey"] = "true";
        }

        return overrides;
    }

    /// <summary>The value of a flag that was given on the command line; null when only its default applies.</summary>
    private static T? Given<T>(ParseResult parse, string name) =>
        parse.GetResult(name) is OptionResult { Implicit: false } ? parse.GetValue<T>(name) : default;

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[key] = value;
        }
    }

    /// <summary>
    /// Migrates and starts a built CSMS host; false, with the reason in one line on <paramref name="error"/>, when it
    /// cannot. <paramref name="listenSettings"/> names the flags and settings of the addresses, for a port in use.
    /// </summary>
    public static async Task<bool> TryStartAsync(WebApplication app, StartGate gate, string command, string listenSettings, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            await CsmsHost.StartAsync(app, cancellationToken);
            return true;
        }
        catch (Exception ex) when (IsListenFailure(ex))
        {
            // Kestrel reports a port in use as an IOException wrapping an AddressInUseException.
            await error.WriteLineAsync($"{command}: cannot listen on the OCPP or API address ({listenSettings}): {OneLine(ex)}");
        }
        catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync($"{command}: cannot open the database (--db, Storage:Database; --data, Storage:DataFolder): {OneLine(ex)}");
        }

        finally
        {
            gate.Starting = false;
        }

        return false;
    }

    /// <summary>
    /// Builds the CSMS host for a command, with the working directory as its content root (appsettings.json, a relative
    /// data folder). While it starts, the generic host's own error log of a failed start (a stack trace) is held back:
    /// <see cref="TryStartAsync"/> reports the failure in one line instead. After the start the host logs as usual.
    /// </summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?> overrides, out StartGate gate)
    {
        var starting = new StartGate();
        gate = starting;
        return CsmsHost.Build(overrides, Directory.GetCurrentDirectory(), builder =>
            builder.Services.Configure<LoggerFilterOptions>(o => o.Rules.Add(new LoggerFilterRule(
                providerName: null,
                categoryName: "Microsoft.Extensions.Hosting.Internal.Host",
                logLevel: LogLevel.Information,
                filter: (_, _, level) => !(starting.Starting && level >= LogLevel.Error)))));
    }

    /// <summary>Whether a host built by <see cref="Build"/> is still starting.</summary>
    internal sealed class StartGate
    {
        private volatile bool _starting = true;

        public bool Starting
        {
            get => _starting;
            set => _starting = value;
        }
    }

    private static bool IsListenFailure(Exception ex) =>
        ex is IOException or Microsoft.AspNetCore.Connections.AddressInUseException or System.Net.Sockets.SocketException
        || (ex.InnerException is { } inner && IsListenFailure(inner) && ex is not System.Data.Common.DbException);

    /// <summary>An exception's message, and its inner ones', in one line.</summary>
    internal static string OneLine(Exception ex)
    {
        var text = ex.Message;
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!text.Contains(inner.Message, StringComparison.Ordinal))
            {
                text += " " + inner.Message;
            }
        }

        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>Where a started CSMS answers: the OCPP endpoint, the console, the API and its reference, /health and /metrics.</summary>
    internal static void WriteWhere(WebApplication app, TextWriter output)
    {
        var api = CsmsHost.ApiEndpoint(app).ToString().TrimEnd('/');
        var development = app.Services.GetRequiredService<Ohm.Csms.Console.ConsoleOptions>().DevelopmentLogin;
        output.WriteLine($"  Console: {api}/  " + (development
            ? "(development mode: a browser on this machine is logged in as the development administrator)"
            : "(log in with an account; create the first with: ohm csms user add --role admin NAME)"));
        output.WriteLine($"  Stations connect to {CsmsHost.OcppEndpoint(app)}/<stationId> (subprotocol ocpp2.0.1).");
        output.WriteLine($"  Operator API: {api}/api  (reference {api}/scalar, OpenAPI document {api}/openapi/v1.json)");
        output.WriteLine($"  Health: {api}/health  Metrics: {api}/metrics");
    }

    /// <summary>Builds, starts and runs the CSMS until Ctrl+C; returns the exit code.</summary>
    public static async Task<int> RunAsync(Dictionary<string, string?> overrides, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        WebApplication app;
        StartGate gate;
        try
        {
            app = Build(overrides, out gate);
        }
        catch (ConfigurationException ex)
        {
            await error.WriteLineAsync("ohm csms: " + OneLine(ex));
            return 2;
        }

        await using (app)
        {
            if (!await TryStartAsync(app, gate, "ohm csms", "--ocpp-url, Ocpp:Url; --api-url, Api:Url", error, cancellationToken))
            {
                return 2;
            }

            // With JSON logs, standard output carries JSON lines only (a log collector parses every one): the banner goes to standard error.
            var banner = string.Equals(app.Configuration["Logging:Console:FormatterName"], "json", StringComparison.OrdinalIgnoreCase) ? error : output;
            var database = app.Services.GetRequiredService<CsmsDatabase>();
            await banner.WriteLineAsync($"Ohm CSMS {Version} is running on {database.Description}.");
            WriteWhere(app, banner);
            await banner.WriteLineAsync("  Ctrl+C stops it.");
            await app.WaitForShutdownAsync(cancellationToken);
        }

        return 0;
    }
}
