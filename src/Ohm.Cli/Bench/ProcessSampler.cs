using System.Globalization;

namespace Ohm.Cli.Bench;

/// <summary>One sample of a process from /proc: resident memory and CPU time.</summary>
public sealed record ProcessSample(double AtSeconds, long RssBytes, double CpuSeconds, int Threads);

/// <summary>Reads a process's resident memory and CPU time from /proc (Linux).</summary>
public static class ProcessSampler
{
    private static readonly double TicksPerSecond = 100.0;

    public static ProcessSample? Sample(int pid, double atSeconds)
    {
        try
        {
            long rss = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);
                }
            }

            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var cpu = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            return new ProcessSample(atSeconds, rss, cpu, threads);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
