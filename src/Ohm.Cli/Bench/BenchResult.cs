namespace Ohm.Cli.Bench;

/// <summary>The outcome of a benchmark run, written as JSON and summarised as markdown.</summary>
public sealed record BenchResult
{
    public required string Url { get; init; }

    /// <summary>Per node, when the bench drove several (<c>--url</c> repeated); null with one.</summary>
    public IReadOnlyList<NodeResult>? Nodes { get; init; }

    public required string Mix { get; init; }

    public required int Stations { get; init; }

    public required bool Compression { get; init; }

    public required double RampPerSecond { get; init; }

    /// <summary>The measured window: latency, rates and CPU per call are counted over it only.</summary>
    public required double DurationSeconds { get; init; }

    /// <summary>How long the mix ran after the ramp before the window started.</summary>
    public double WarmupSeconds { get; init; }

    public required int SourceAddresses { get; init; }

    public required long ConnectionsEstablished { get; init; }

    public required long ConnectionsFailed { get; init; }

    public required IReadOnlyDictionary<string, long> ConnectErrors { get; init; }

    public required long ConnectionsLost { get; init; }

    public required long CallsSent { get; init; }

    public required long CallsAnswered { get; init; }

    /// <summary>Answered calls per second over the measurement window (after the ramp).</summary>
    public required double CallsPerSecond { get; init; }

    public required IReadOnlyDictionary<string, long> Errors { get; init; }

    /// <summary>Latency per action in the measured window.</summary>
    public required IReadOnlyList<ActionLatency> Latency { get; init; }

    /// <summary>Latency per action before the window: the ramp (connects, boots) and the warm-up.</summary>
    public IReadOnlyList<ActionLatency> RampLatency { get; init; } = [];

    /// <summary>The server's CPU time (user and system) in the window per answered call, when its PID was given.</summary>
    public double? ServerCpuMicrosecondsPerCall { get; init; }

    /// <summary>This load generator's own CPU time in the window per answered call.</summary>
    public double? BenchCpuMicrosecondsPerCall { get; init; }

    public required IReadOnlyList<string> Warnings { get; init; }

    public IReadOnlyList<ProcessSample>? Server { get; init; }

    /// <summary>The server's resident memory before the first station connected.</summary>
    public long? ServerBaselineRssBytes { get; init; }

    public IReadOnlyList<ProcessSample>? Bench { get; init; }

    public required DateTimeOffset StartedAt { get; init; }
}

/// <summary>Latency of one action, in milliseconds.</summary>
public sealed record ActionLatency(string Action, long Count, double CallsPerSecond, double P50, double P95, double P99, double Max);

/// <summary>What one node of several got: connections (opened there, failed there, lost there, held at the window's end), calls and latency in the window.</summary>
public sealed record NodeResult(
    string Url, long ConnectionsEstablished, long ConnectionsFailed, long ConnectionsLost, long ConnectionsHeld, long CallsAnswered, double CallsPerSecond,
    IReadOnlyDictionary<string, long> Errors, IReadOnlyList<ActionLatency> Latency);
