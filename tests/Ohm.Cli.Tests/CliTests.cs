using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ohm.Cli.Tests.Support;

namespace Ohm.Cli.Tests;

/// <summary>The ohm command's surface: its version, the defaults and settings in --help, and one-line start errors.</summary>
public sealed class CliTests
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await OhmCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Every_option_of_every_command_says_its_default_or_that_it_has_none()
    {
        var root = OhmCommand.Create();
        Assert.Equal(["csms", "station", "demo", "bench"], root.Subcommands.Select(c => c.Name));
        foreach (var command in root.Subcommands)
        {
            var options = command.Options.Where(o => o is not System.CommandLine.Help.HelpOption).ToList();
            Assert.NotEmpty(options);
            foreach (var option in options)
            {
                Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name} has no description");
                Assert.True(
                    option.HasDefaultValue || option.Description!.Contains("default", StringComparison.Ordinal),
                    $"ohm {command.Name} {option.Name} neither has a default value nor says what happens without it: {option.Description}");
                if (command.Name == "csms")
                {
                    Assert.Matches(new Regex("[A-Z][A-Za-z]+:[A-Z][A-Za-z]+"), option.Description!);
                }
            }
        }
    }

    [Fact]
    public async Task Csms_help_shows_each_default_and_the_setting_it_sets()
    {
        var (code, output, _) = await RunAsync("csms", "--help");

        Assert.Equal(0, code);
        Assert.Contains("[default: http://127.0.0.1:9000]", output, StringComparison.Ordinal);
        Assert.Contains("[default: http://127.0.0.1:8080]", output, StringComparison.Ordinal);
        foreach (var key in new[] { "Ocpp:Url", "Api:Url", "Storage:DataFolder", "Storage:Database", "Csms:AcceptUnknown" })
        {
            Assert.Contains(key, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_csms_flag_left_out_overrides_no_setting_so_appsettings_and_environment_decide()
    {
        var root = OhmCommand.Create();

        Assert.Empty(CsmsCommand.Overrides(root.Parse(["csms"])));
        var some = CsmsCommand.Overrides(root.Parse(["csms", "--api-url", "http://127.0.0.1:7001", "--data", "d"]));
        Assert.Equal(new Dictionary<string, string?> { ["Api:Url"] = "http://127.0.0.1:7001", ["Storage:DataFolder"] = "d" }, some);
    }

    [Fact]
    public void Csms_cluster_flag_turns_cluster_mode_on()
    {
        var root = OhmCommand.Create();
        var overrides = CsmsCommand.Overrides(root.Parse(["csms", "--cluster", "--db", "Host=db;Database=ohm"]));
        Assert.Equal("true", overrides["Cluster:Enabled"]);
        Assert.DoesNotContain("Cluster:Enabled", CsmsCommand.Overrides(root.Parse(["csms"])).Keys);
    }

    [Fact]
    public async Task Version_is_VersionPrefix_of_Directory_Build_props()
    {
        var props = File.ReadAllText(Path.Combine(RepositoryCopy.FindRoot(), "Directory.Build.props"));
        var prefix = Regex.Match(props, "<VersionPrefix>([^<]+)</VersionPrefix>").Groups[1].Value;

        // As a process: in this one System.CommandLine would print the test host's version.
        var output = await Run.CaptureAsync(Path.Combine(AppContext.BaseDirectory, "ohm"), AppContext.BaseDirectory, null, TimeSpan.FromMinutes(1), "--version");

        Assert.Equal(CsmsCommand.Version, output.Trim());
        Assert.Matches(new Regex("^" + Regex.Escape(prefix) + "(-[0-9A-Za-z.-]+)?$"), CsmsCommand.Version);
    }

    [Fact]
    public async Task Csms_with_its_OCPP_port_in_use_says_so_in_one_line_naming_the_flag_and_exits_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("ohm-cli-port-").FullName;

        var (code, _, error) = await RunAsync("csms", "--accept-unknown", "--ocpp-url", $"http://127.0.0.1:{port}", "--api-url", "http://127.0.0.1:0", "--data", data);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("ohm csms: cannot listen", line, StringComparison.Ordinal);
        Assert.Contains("--ocpp-url", line, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_with_its_port_in_use_says_so_in_one_line_naming_the_flag_and_exits_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("ohm-cli-demo-port-").FullName;

        var (code, _, error) = await RunAsync("demo", "--stations", "1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--api-port", "0", "--data", data);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("ohm demo: cannot listen", line, StringComparison.Ordinal);
        Assert.Contains("--port", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csms_with_a_bad_setting_names_it_in_one_line_and_exits_2()
    {
        var data = Directory.CreateTempSubdirectory("ohm-cli-bad-").FullName;

        var (code, _, error) = await RunAsync("csms", "--ocpp-url", "not-a-url", "--data", data);

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Ocpp:Url (--ocpp-url)", line, StringComparison.Ordinal);
        Assert.Contains("not-a-url", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csms_with_an_unreachable_database_names_the_setting_in_one_line_and_exits_2()
    {
        // A PostgreSQL address where nothing listens: the port of a listener that was closed again.
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (code, _, error) = await RunAsync(
            "csms", "--accept-unknown", "--ocpp-url", "http://127.0.0.1:0", "--api-url", "http://127.0.0.1:0",
            "--db", $"Host=127.0.0.1;Port={port};Username=ohm;Password=ohm;Database=ohm;Timeout=5");

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("--db", line, StringComparison.Ordinal);
        Assert.Contains("Storage:Database", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_JSON_logs_the_start_banner_goes_to_standard_error_so_standard_output_stays_JSON()
    {
        var data = Directory.CreateTempSubdirectory("ohm-cli-json-").FullName;
        using var output = new StringWriter();
        using var error = new StringWriter();
        var syncOutput = TextWriter.Synchronized(output);
        var syncError = TextWriter.Synchronized(error);
        using var stop = new CancellationTokenSource();
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Csms:AcceptUnknown"] = "true",
            ["Api:AllowLoopbackWithoutKey"] = "true",
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Storage:DataFolder"] = data,
            ["Logging:Console:FormatterName"] = "json",
        };
        var running = CsmsCommand.RunAsync(overrides, syncOutput, syncError, stop.Token);
        for (var i = 0; i < 600 && !running.IsCompleted && !error.ToString().Contains("Ctrl+C", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        Assert.Equal(0, await running);
        Assert.Contains("Ohm CSMS", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("/health", error.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
        Directory.Delete(data, recursive: true);
    }
}
