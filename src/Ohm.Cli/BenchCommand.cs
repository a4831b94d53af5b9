using System.CommandLine;
using Ohm.Cli.Bench;

namespace Ohm.Cli;

/// <summary><c>ohm bench</c>: drives many stations against any OCPP 2.0.1 CSMS and reports throughput, latency and memory.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var url = new Option<string[]>("--url")
        {
            Description = "CSMS endpoint without the station identity; repeat it for the nodes of a cluster: stations are spread round-robin over them, fail over to the next, and the report has a row per node.",
            DefaultValueFactory = _ => ["ws://127.0.0.1:9000/ocpp"],
            Arity = ArgumentArity.OneOrMore,
        };
        var stations = new Option<int>("--stations") { Description = "Number of stations.", DefaultValueFactory = _ => 100 };
        var ramp = new Option<double>("--ramp") { Description = "New connections per second.", DefaultValueFactory = _ => 500 };
        var duration = new Option<string>("--duration") { Description = "How long to run the mix after the ramp: 30s, 5m ...", DefaultValueFactory = _ => "30s" };
        var warmup = new Option<string>("--warmup") { Description = "How long to run the mix after the ramp before measuring: 10s ...", DefaultValueFactory = _ => "0s" };
        var mix = new Option<string>("--mix") { Description = "idle | heartbeat | transactions | mixed", DefaultValueFactory = _ => "heartbeat" };
        var compression = new Option<string>("--compression") { Description = "on | off: offer permessage-deflate.", DefaultValueFactory = _ => "on" };
        var password = new Option<string?>("--password") { Description = "HTTP Basic password of every station, security profile 1 (default none: security profile 0)." };
        var prefix = new Option<string>("--id-prefix") { Description = "Station identities are <prefix>1 ... <prefix>N.", DefaultValueFactory = _ => "BENCH" };
        var serverPid = new Option<int?>("--server-pid") { Description = "The CSMS's process id: sample its memory and CPU from /proc; a warning when it is not listening on the --url port (default none: no server samples)." };
        var interval = new Option<string>("--interval") { Description = "Pause between a station's calls, 0s = back to back.", DefaultValueFactory = _ => "0s" };
        var sourceAddresses = new Option<int>("--source-addresses") { Description = "Loopback source addresses to use, 0 = as many as the port range needs.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Write the JSON result here, and the markdown summary beside it (default none: the summary on standard output only)." };
        var command = new Command("bench", "Drive many stations against an OCPP 2.0.1 CSMS (any, not only Ohm) and report throughput, latency and memory.")
        {
            url, stations, ramp, duration, warmup, mix, compression, password, prefix, serverPid, interval, sourceAddresses, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var errors = new List<string>();
            var d = ParseDuration(parse.GetValue(duration)!, "--duration", errors);
            var i = ParseDuration(parse.GetValue(interval)!, "--interval", errors);
            var w = ParseDuration(parse.GetValue(warmup)!, "--warmup", errors);
            if (!Enum.TryParse<BenchMix>(parse.GetValue(mix), ignoreCase: true, out var m))
            {
                errors.Add($"--mix must be idle, heartbeat, transactions or mixed (is '{parse.GetValue(mix)}').");
            }

            var z = parse.GetValue(compression);
            if (z is not ("on" or "off"))
            {
                errors.Add($"--compression must be on or off (is '{z}').");
            }

            var targets = new List<Uri>();
            foreach (var text in parse.GetValue(url)!)
            {
                if (Uri.TryCreate(text, UriKind.Absolute, out var parsed))
                {
                    targets.Add(parsed);
                }
                else
                {
                    errors.Add($"--url must be an absolute ws:// URL (is '{text}').");
                }
            }

            if (errors.Count > 0)
            {
                await Console.Error.WriteLineAsync("ohm bench: " + string.Join(Environment.NewLine + "ohm bench: ", errors));
                return 2;
            }

            var options = new BenchOptions
            {
                Url = targets[0],
                MoreUrls = targets.Skip(1).ToList(),
                Stations = parse.GetValue(stations),
                Ramp = parse.GetValue(ramp),
                Duration = d,
                Warmup = w,
                Mix = m,
                Compression = z == "on",
                Password = parse.GetValue(password),
                IdPrefix = parse.GetValue(prefix)!,
                ServerPid = parse.GetValue(serverPid),
                Interval = i,
                SourceAddresses = parse.GetValue(sourceAddresses),
                Out = parse.GetValue(output),
            };
            var invalid = options.Validate().ToList();
            if (invalid.Count > 0)
            {
                await Console.Error.WriteLineAsync("ohm bench: " + string.Join(Environment.NewLine + "ohm bench: ", invalid));
                return 2;
            }

            if (options.ServerPid is { } pid && ServerProcessCheck.Warning(pid, options.Url.Port) is { } warning)
            {
                await Console.Error.WriteLineAsync("ohm bench: warning: " + warning);
            }

            var result = await new BenchRunner(options, Console.Error).RunAsync(cancellationToken);
            var markdown = BenchReport.ToMarkdown(result);
            Console.WriteLine(markdown);
            if (options.Out is { } path)
            {
                await File.WriteAllTextAsync(path, BenchReport.ToJson(result), cancellationToken);
                await File.WriteAllTextAsync(Path.ChangeExtension(path, ".md"), markdown, cancellationToken);
            }

            return result.ConnectionsEstablished == 0 ? 1 : 0;
        });
        return command;
    }

    internal static TimeSpan ParseDuration(string text, string option, List<string> errors)
    {
        var units = new (string Suffix, double Seconds)[] { ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600) };
        foreach (var (suffix, seconds) in units)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && double.TryParse(text[..^suffix.Length], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0)
            {
                return TimeSpan.FromSeconds(value * seconds);
            }
        }

        errors.Add($"{option} must be a duration such as 500ms, 30s, 5m or 1h (is '{text}').");
        return TimeSpan.Zero;
    }
}
