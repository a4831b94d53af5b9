using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ohm.Ocpp.Benchmarks;

/// <summary>
/// Messages per second of the measuring thread's own CPU time (Linux), the "per core" figure of the targets. On a
/// machine shared with other work, wall-clock means grow with whatever else runs; thread CPU time counts only the time
/// this thread ran, including the gen0 collections its allocations cause (workstation GC runs them on this thread).
/// </summary>
public static class CpuTimeThroughput
{
    private const int ThreadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
    private const int Batch = 1000;

    public static void Run(double secondsPerRound = 2, int rounds = 5)
    {
        var transactionEvent = new TransactionEvent();
        transactionEvent.Setup();
        var frame = new FrameReceive();
        Measure("TransactionEventRequest validate + ReadRequest", () => transactionEvent.Parse(), secondsPerRound, rounds);
        Measure("TransactionEvent CALL frame: TryParse + validate + ReadRequest", () => frame.TransactionEventCall(), secondsPerRound, rounds);
    }

    private static void Measure(string name, Func<object> operation, double secondsPerRound, int rounds)
    {
        RunFor(operation, 1); // warm-up, and tiered compilation to its final code
        var rates = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var cpu = ThreadCpuSeconds();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var wall = Stopwatch.StartNew();
            var count = RunFor(operation, secondsPerRound);
            cpu = ThreadCpuSeconds() - cpu;
            var wallSeconds = wall.Elapsed.TotalSeconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            rates.Add(count / cpu);
            Console.WriteLine(
                $"  {name}: round {r + 1}: {count / cpu,9:N0} /s of CPU ({1e6 * cpu / count:F2} us each), " +
                $"{count / wallSeconds,9:N0} /s of wall clock (thread ran {100 * cpu / wallSeconds:F0}% of it), {allocated / count} B per message");
        }

        rates.Sort();
        Console.WriteLine($"{name}: median {rates[rates.Count / 2]:N0} messages per CPU-second, lowest {rates[0]:N0}");
    }

    private static long RunFor(Func<object> operation, double seconds)
    {
        var end = DateTime.UtcNow.AddSeconds(seconds);
        long count = 0;
        while (DateTime.UtcNow < end)
        {
            for (var i = 0; i < Batch; i++)
            {
                GC.KeepAlive(operation());
            }

            count += Batch;
        }

        return count;
    }

    private static double ThreadCpuSeconds()
    {
        if (ClockGetTime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed; this measurement needs Linux.");
        }

        return time.Seconds + time.Nanoseconds / 1e9;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
