using System.Collections.Concurrent;

namespace Ohm.Cli.Bench;

/// <summary>What the benchmark counts while it runs: connections, calls and latency per action, errors by kind.</summary>
public sealed class BenchStats
{
    private long _connected;
    private long _connectFailed;
    private long _disconnected;
    private long _sent;
    private long _answered;

    private ConcurrentDictionary<string, LatencyHistogram> _latency = new(StringComparer.Ordinal);

    /// <summary>Latency per action since the measured window started (before that, since the run started).</summary>
    public ConcurrentDictionary<string, LatencyHistogram> Latency => Volatile.Read(ref _latency);

    public ConcurrentDictionary<string, long> Errors { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> ConnectErrors { get; } = new(StringComparer.Ordinal);

    public long Connected => Interlocked.Read(ref _connected);

    public long ConnectFailed => Interlocked.Read(ref _connectFailed);

    public long Disconnected => Interlocked.Read(ref _disconnected);

    public long Sent => Interlocked.Read(ref _sent);

    public long Answered => Interlocked.Read(ref _answered);

    public void ConnectionOpened() => Interlocked.Increment(ref _connected);

    public void ConnectionFailed(string reason)
    {
        Interlocked.Increment(ref _connectFailed);
        ConnectErrors.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    public void ConnectionLost() => Interlocked.Increment(ref _disconnected);

    public void CallSent() => Interlocked.Increment(ref _sent);

    public void CallAnswered(string action, TimeSpan latency)
    {
        Interlocked.Increment(ref _answered);
        Latency.GetOrAdd(action, _ => new LatencyHistogram()).Record(latency);
    }

    /// <summary>Starts counting latency afresh for the measured window and returns what was counted before it.</summary>
    public ConcurrentDictionary<string, LatencyHistogram> StartWindow() =>
        Interlocked.Exchange(ref _latency, new ConcurrentDictionary<string, LatencyHistogram>(StringComparer.Ordinal));

    public void CallFailed(string kind) => Errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
}
