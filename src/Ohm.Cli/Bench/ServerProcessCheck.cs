using System.Globalization;

namespace Ohm.Cli.Bench;

/// <summary>
/// Whether the process given by <c>--server-pid</c> is the one listening on the target's port, so that the bench does
/// not sample the memory of a wrapper (<c>dotnet run</c>, a shell) while the CSMS is another process. Linux only: the
/// LISTEN sockets on the port in <c>/proc/&lt;pid&gt;/net/tcp</c> and <c>tcp6</c> (the tables of the process's own network
/// namespace, so that a CSMS in a container, given by its host pid, is found too), matched by inode against the
/// process's <c>/proc/&lt;pid&gt;/fd</c> links (<c>socket:[inode]</c>).
/// </summary>
internal static class ServerProcessCheck
{
    private const string Listen = "0A";

    /// <summary>A one-line warning when <paramref name="pid"/> does not exist or is not listening on <paramref name="port"/>; null when it is, or when it cannot be told.</summary>
    public static string? Warning(int pid, int port, string proc = "/proc")
    {
        if (!Directory.Exists(Path.Combine(proc, "net")))
        {
            return null; // not Linux: nothing to check against
        }

        if (!Directory.Exists(Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture))))
        {
            return $"--server-pid {pid}: no such process; the server's memory and CPU will not be sampled.";
        }

        return IsListening(pid, port, proc) switch
        {
            false => $"--server-pid {pid}: that process is not listening on port {port} of --url; its samples are not the CSMS's (a wrapper such as dotnet run? give the server's own pid).",
            _ => null,
        };
    }

    /// <summary>True when the process holds a LISTEN socket on the port; false when it holds none; null when its descriptors cannot be read.</summary>
    public static bool? IsListening(int pid, int port, string proc = "/proc")
    {
        var listening = ListeningInodes(port, Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture)));
        if (listening.Count == 0)
        {
            return false;
        }

        var fds = Path.Combine(proc, pid.ToString(CultureInfo.InvariantCulture), "fd");
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(fds))
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue; // closed since it was listed
                }

                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
                    && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
                    && listening.Contains(inode))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return false;
    }

    /// <summary>
    /// The inodes of the TCP sockets (IPv4 and IPv6) in LISTEN state on <paramref name="port"/>, from
    /// <paramref name="procOrProcess"/>/net: /proc for this process's namespace, /proc/&lt;pid&gt; for that process's.
    /// </summary>
    public static HashSet<long> ListeningInodes(int port, string procOrProcess = "/proc")
    {
        var inodes = new HashSet<long>();
        foreach (var table in new[] { "tcp", "tcp6" })
        {
            var path = Path.Combine(procOrProcess, "net", table);
            IEnumerable<string> lines;
            try
            {
                lines = File.ReadLines(path).Skip(1).ToList();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // no IPv6, or the process is gone
            }

            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            foreach (var line in lines)
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != Listen)
                {
                    continue;
                }

                var local = fields[1];
                var colon = local.LastIndexOf(':');
                if (colon > 0
                    && int.TryParse(local.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var localPort)
                    && localPort == port
                    && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
                {
                    inodes.Add(inode);
                }
            }
        }

        return inodes;
    }
}
