using System.Globalization;

namespace Ohm.Cli.Bench;

/// <summary>The limits that cap how many connections a process can hold, read from /proc, with what they imply.</summary>
public static class MachineLimits
{
    /// <summary>The soft limit of open files of a process ("Max open files" in /proc/PID/limits), or null if unknown.</summary>
    public static long? OpenFiles(string pid = "self")
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return soft is null || soft == "unlimited" ? null : long.Parse(soft, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The number of ephemeral ports per source address (net.ipv4.ip_local_port_range).</summary>
    public static int EphemeralPorts()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(parts[1], CultureInfo.InvariantCulture) - int.Parse(parts[0], CultureInfo.InvariantCulture) + 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 28232;
        }
    }

    /// <summary>Warnings about limits that the run will hit, each naming the limit and what to do.</summary>
    public static IEnumerable<string> Check(BenchOptions options, int sourceAddresses)
    {
        ArgumentNullException.ThrowIfNull(options);
        const int reserve = 100;
        if (OpenFiles() is { } own && options.Stations > own - reserve)
        {
            yield return $"This process may hold {own} open files (ulimit -n), so at most about {own - reserve} connections: {options.Stations} stations will not all connect. Raise the limit or run several bench processes.";
        }

        if (options.ServerPid is { } pid && OpenFiles(pid.ToString(CultureInfo.InvariantCulture)) is { } server && options.Stations > server - reserve)
        {
            yield return $"The server process {pid} may hold {server} open files, so at most about {server - reserve} connections; connections beyond that will be refused or fail.";
        }

        var ports = EphemeralPorts();
        if (options.Url.IsLoopback && options.Stations > (long)ports * sourceAddresses)
        {
            yield return $"{options.Stations} stations need more than the {ports} ephemeral ports of {sourceAddresses} source address(es); use --source-addresses {(options.Stations / ports) + 1}.";
        }
    }
}
