namespace Ohm.Cli.Bench;

/// <summary>
/// A lock-free latency histogram with logarithmic buckets (about 2% wide) from 1 µs to about 100 s: fixed memory,
/// recorded from any thread, percentiles read at the end.
/// </summary>
public sealed class LatencyHistogram
{
    private const int Buckets = 1000;
    private const double Growth = 1.02;
    private static readonly double LogGrowth = Math.Log(Growth);
    private readonly long[] _counts = new long[Buckets];
    private long _count;
    private long _maxMicros;

    public long Count => Interlocked.Read(ref _count);

    public void Record(TimeSpan latency)
    {
        var micros = Math.Max(1, (long)latency.TotalMicroseconds);
        var bucket = Math.Min(Buckets - 1, (int)(Math.Log(micros) / LogGrowth));
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        long max;
        while (micros > (max = Interlocked.Read(ref _maxMicros)) && Interlocked.CompareExchange(ref _maxMicros, micros, max) != max)
        {
        }
    }

    /// <summary>The latency at or under which <paramref name="percentile"/> % of the calls were answered, in ms.</summary>
    public double PercentileMs(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var target = (long)Math.Ceiling(total * percentile / 100.0);
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= target)
            {
                return Math.Min(Math.Pow(Growth, i + 1), MaxMs * 1000) / 1000.0;
            }
        }

        return MaxMs;
    }

    public double MaxMs => Interlocked.Read(ref _maxMicros) / 1000.0;
}
