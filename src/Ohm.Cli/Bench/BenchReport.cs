using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ohm.Cli.Bench;

/// <summary>Writes a result as JSON and as a markdown summary.</summary>
public static class BenchReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static string ToJson(BenchResult result) => JsonSerializer.Serialize(result, Json);

    public static string ToMarkdown(BenchResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"## ohm bench: {result.Mix}, {result.Stations} stations, compression {(result.Compression ? "on" : "off")}");
        md.AppendLine();
        md.AppendLine(c, $"- Target: `{result.Url}`, {result.SourceAddresses} source address(es), ramp {result.RampPerSecond}/s, measured for {result.DurationSeconds} s after the ramp{(result.WarmupSeconds > 0 ? $" and a warm-up of {result.WarmupSeconds} s" : "")}");
        md.AppendLine(c, $"- Connections: {result.ConnectionsEstablished} established, {result.ConnectionsFailed} failed, {result.ConnectionsLost} lost");
        if (result.ConnectErrors.Count > 0)
        {
            md.AppendLine(c, $"- Connection failures: {string.Join(", ", result.ConnectErrors.Select(e => $"{e.Key} x{e.Value}"))}");
        }

        md.AppendLine(c, $"- Calls: {result.CallsSent} sent, {result.CallsAnswered} answered, **{result.CallsPerSecond:0.#} calls/s**");
        md.AppendLine(c, $"- Errors: {(result.Errors.Count == 0 ? "none" : string.Join(", ", result.Errors.Select(e => $"{e.Key} x{e.Value}")))}");
        foreach (var warning in result.Warnings)
        {
            md.AppendLine(c, $"- Warning: {warning}");
        }

        if (result.Nodes is { Count: > 0 } nodes)
        {
            md.AppendLine();
            md.AppendLine("Per node (stations spread round-robin; a lost connection fails over to the next node):");
            md.AppendLine();
            md.AppendLine("| Node | Held | Opened | Failed | Lost | Answered | Calls/s | p50 ms | p99 ms | Errors |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var n in nodes)
            {
                var all = n.Latency.Where(l => l.Count > 0).ToList();
                var p50 = all.Count > 0 ? all.Max(l => l.P50) : 0;
                var p99 = all.Count > 0 ? all.Max(l => l.P99) : 0;
                md.AppendLine(c, $"| `{n.Url}` | {n.ConnectionsHeld} | {n.ConnectionsEstablished} | {n.ConnectionsFailed} | {n.ConnectionsLost} | {n.CallsAnswered} | {n.CallsPerSecond:0.#} | {p50:0.##} | {p99:0.##} | {(n.Errors.Count == 0 ? "none" : string.Join(", ", n.Errors.Select(e => $"{e.Key} x{e.Value}")))} |");
            }

            md.AppendLine(c, $"| total | {nodes.Sum(n => n.ConnectionsHeld)} | {result.ConnectionsEstablished} | {result.ConnectionsFailed} | {result.ConnectionsLost} | {result.CallsAnswered} | {result.CallsPerSecond:0.#} | | | |");
        }

        md.AppendLine();
        md.AppendLine("In the measured window:");
        md.AppendLine();
        LatencyTable(md, result.Latency, c);
        if (result.RampLatency.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Before it (ramp and warm-up):");
            md.AppendLine();
            LatencyTable(md, result.RampLatency, c);
        }

        if (result.ServerCpuMicrosecondsPerCall is { } serverCpu)
        {
            md.AppendLine();
            md.AppendLine(c, $"CPU per answered call in the window: server {serverCpu:0} µs, load generator {result.BenchCpuMicrosecondsPerCall:0} µs.");
        }

        if (result.Server is { Count: > 0 } server)
        {
            var peak = server.Max(s => s.RssBytes);
            var last = server[^1];
            var cpu = server.Count > 1 ? (last.CpuSeconds - server[0].CpuSeconds) / Math.Max(0.1, last.AtSeconds - server[0].AtSeconds) : 0;
            md.AppendLine();
            md.AppendLine(c, $"Server: peak RSS {peak / 1048576.0:0.0} MiB, last RSS {last.RssBytes / 1048576.0:0.0} MiB, " +
                $"{(result.ConnectionsEstablished > 0 ? last.RssBytes / 1024.0 / result.ConnectionsEstablished : 0):0.0} KiB per connection (whole process), " +
                $"CPU {cpu * 100:0}% of one core on average, {last.Threads} threads.");
            if (result.ServerBaselineRssBytes is { } baseline && result.ConnectionsEstablished > 0)
            {
                md.AppendLine(c, $"Server memory per connection above the {baseline / 1048576.0:0.0} MiB it held before the first station: " +
                    $"{(last.RssBytes - baseline) / 1024.0 / (result.ConnectionsEstablished - result.ConnectionsLost):0.0} KiB.");
            }
        }

        return md.ToString();
    }

    private static void LatencyTable(StringBuilder md, IReadOnlyList<ActionLatency> latency, CultureInfo c)
    {
        md.AppendLine("| Action | Answered | Calls/s | p50 ms | p95 ms | p99 ms | max ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var l in latency)
        {
            md.AppendLine(c, $"| {l.Action} | {l.Count} | {(l.CallsPerSecond > 0 ? l.CallsPerSecond.ToString("0.#", c) : "")} | {l.P50:0.##} | {l.P95:0.##} | {l.P99:0.##} | {l.Max:0.##} |");
        }
    }
}
