using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ohm.Cli.Bench;

/// <summary>
/// Runs the load benchmark: opens the stations at the ramp rate, spread over loopback source addresses, lets them run
/// their mix for the duration, samples the server from /proc, and returns the figures. Every loop is bounded.
/// </summary>
public sealed class BenchRunner(BenchOptions options, TextWriter progress)
{
    public async Task<BenchResult> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var sources = SourceAddresses();
        var warnings = MachineLimits.Check(options, Math.Max(1, sources.Count)).ToList();
        foreach (var warning in warnings)
        {
            await progress.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
        }

        var stats = new BenchStats();
        List<BenchStats> nodes = options.AllUrls.Count > 1 ? [.. options.AllUrls.Select(_ => new BenchStats())] : [];
        List<HttpMessageInvoker?> invokers = sources.Count == 0 ? [null] : [.. sources.Select(CreateInvoker)];
        await using var scheduler = new BenchScheduler();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var serverSamples = new List<ProcessSample>();
        var benchSamples = new List<ProcessSample>();
        var clock = Stopwatch.StartNew();
        var baseline = options.ServerPid is { } serverPid ? ProcessSampler.Sample(serverPid, 0)?.RssBytes : null;
        using var sampling = new CancellationTokenSource();
        var sampler = SampleAsync(stats, clock, serverSamples, benchSamples, sampling.Token);

        var stations = new List<Task>(options.Stations);
        var perTick = options.Ramp / 100.0;
        var due = 0.0;
        for (var i = 0; i < options.Stations && !stop.IsCancellationRequested; i++)
        {
            var id = options.IdPrefix + (i + 1).ToString(CultureInfo.InvariantCulture);
            var station = new BenchStation(id, i, options, stats, nodes, scheduler, invokers[i % invokers.Count]);
            stations.Add(Task.Run(() => station.RunAsync(stop.Token), CancellationToken.None));
            due += 1;
            if (due >= perTick)
            {
                due -= perTick;
                await scheduler.WaitAsync(TimeSpan.FromMilliseconds(10)).ConfigureAwait(false);
            }
        }

        try
        {
            // The window is measured after the ramp: once every station started has connected or failed (at most a
            // minute), so that a slow start (a CSMS still compiling its first handshake) is not counted as failures.
            await RampSettledAsync(stats, stations.Count, cancellationToken).ConfigureAwait(false);
            await Task.Delay(options.Warmup, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        var rampLatency = stats.StartWindow();
        nodes.ForEach(n => n.StartWindow());
        var windowStart = clock.Elapsed;
        var answeredAtStart = stats.Answered;
        var nodeAnsweredAtStart = nodes.Select(n => n.Answered).ToList();
        var cpuAtStart = Cpu();
        try
        {
            await Task.Delay(options.Duration, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        var window = (clock.Elapsed - windowStart).TotalSeconds;
        var answered = stats.Answered - answeredAtStart;
        var perNode = nodes.Select((n, i) => new NodeResult(
            options.AllUrls[i].ToString(),
            n.Connected,
            n.ConnectFailed,
            n.Disconnected,
            n.Connected - n.Disconnected,
            n.Answered,
            window > 0 ? Math.Round((n.Answered - nodeAnsweredAtStart[i]) / window, 1) : 0,
            n.Errors.ToDictionary(StringComparer.Ordinal),
            Latencies(n.Latency, window))).ToList();
        var cpuAtEnd = Cpu();
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(stations), Task.Delay(TimeSpan.FromSeconds(15), CancellationToken.None)).ConfigureAwait(false);
        await sampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        foreach (var invoker in invokers)
        {
            invoker?.Dispose();
        }

        return new BenchResult
        {
            Url = options.Url.ToString(),
            Nodes = perNode.Count > 0 ? perNode : null,
            Mix = options.Mix.ToString().ToLowerInvariant(),
            Stations = options.Stations,
            Compression = options.Compression,
            RampPerSecond = options.Ramp,
            DurationSeconds = Math.Round(window, 1),
            WarmupSeconds = options.Warmup.TotalSeconds,
            SourceAddresses = Math.Max(1, sources.Count),
            ConnectionsEstablished = stats.Connected,
            ConnectionsFailed = stats.ConnectFailed,
            ConnectErrors = stats.ConnectErrors.ToDictionary(StringComparer.Ordinal),
            ConnectionsLost = stats.Disconnected,
            CallsSent = stats.Sent,
            CallsAnswered = stats.Answered,
            CallsPerSecond = window > 0 ? Math.Round(answered / window, 1) : 0,
            Errors = stats.Errors.ToDictionary(StringComparer.Ordinal),
            Latency = Latencies(stats.Latency, window),
            RampLatency = Latencies(rampLatency, 0),
            ServerCpuMicrosecondsPerCall = PerCall(cpuAtStart.Server, cpuAtEnd.Server, answered),
            BenchCpuMicrosecondsPerCall = PerCall(cpuAtStart.Bench, cpuAtEnd.Bench, answered),
            Warnings = warnings,
            Server = options.ServerPid is null ? null : serverSamples,
            ServerBaselineRssBytes = baseline,
            Bench = benchSamples,
            StartedAt = startedAt,
        };
    }

    private static List<ActionLatency> Latencies(IDictionary<string, LatencyHistogram> latency, double window) =>
        latency.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => new ActionLatency(
            l.Key,
            l.Value.Count,
            window > 0 ? Math.Round(l.Value.Count / window, 1) : 0,
            Math.Round(l.Value.PercentileMs(50), 2),
            Math.Round(l.Value.PercentileMs(95), 2),
            Math.Round(l.Value.PercentileMs(99), 2),
            Math.Round(l.Value.MaxMs, 2))).ToList();

    private static async Task RampSettledAsync(BenchStats stats, int started, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (stats.Connected + stats.ConnectFailed < started && deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>CPU seconds used so far by the server (when sampled) and by this process.</summary>
    private (double? Server, double? Bench) Cpu() =>
        (options.ServerPid is { } pid ? ProcessSampler.Sample(pid, 0)?.CpuSeconds : null, ProcessSampler.Sample(Environment.ProcessId, 0)?.CpuSeconds);

    private static double? PerCall(double? start, double? end, long calls) =>
        start is { } s && end is { } e && calls > 0 ? Math.Round((e - s) / calls * 1e6, 1) : null;

    /// <summary>Loopback source addresses 127.0.0.2 onwards, enough for the stations given the ephemeral port range.</summary>
    private List<IPAddress> SourceAddresses()
    {
        if (!options.Url.IsLoopback || !IPAddress.TryParse(options.Url.Host.Trim('[', ']'), out var target) || target.AddressFamily != AddressFamily.InterNetwork)
        {
            return [];
        }

        var perAddress = (int)(MachineLimits.EphemeralPorts() * 0.8);
        var count = options.SourceAddresses > 0 ? options.SourceAddresses : Math.Max(1, (options.Stations + perAddress - 1) / perAddress);
        return Enumerable.Range(0, Math.Min(count, 250)).Select(i => new IPAddress([127, 0, 0, (byte)(2 + i)])).ToList();
    }

    private static HttpMessageInvoker CreateInvoker(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        UseProxy = false,
    });

    private async Task SampleAsync(BenchStats stats, Stopwatch clock, List<ProcessSample> server, List<ProcessSample> bench, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastAnswered = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var at = Math.Round(clock.Elapsed.TotalSeconds, 1);
                if (options.ServerPid is { } pid && ProcessSampler.Sample(pid, at) is { } s)
                {
                    server.Add(s);
                }

                if (ProcessSampler.Sample(Environment.ProcessId, at) is { } b)
                {
                    bench.Add(b);
                }

                if (options.Progress)
                {
                    var answered = stats.Answered;
                    var rss = server.Count > 0 ? $", server RSS {server[^1].RssBytes / 1048576.0:0} MiB" : "";
                    await progress.WriteLineAsync(
                        $"[{at,6:0.0}s] connected {stats.Connected - stats.Disconnected}/{options.Stations} (failed {stats.ConnectFailed}), " +
                        $"calls {answered} ({answered - lastAnswered}/s), errors {stats.Errors.Values.Sum()}{rss}").ConfigureAwait(false);
                    lastAnswered = answered;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
