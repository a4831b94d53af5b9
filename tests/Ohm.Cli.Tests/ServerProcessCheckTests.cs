using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ohm.Cli.Bench;

namespace Ohm.Cli.Tests;

/// <summary>ohm bench --server-pid: the pid must be the process listening on the target's port (Linux /proc).</summary>
public sealed class ServerProcessCheckTests
{
    [Fact]
    public void The_process_that_listens_on_the_port_is_recognised_and_another_is_not()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var sleeper = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            Assert.NotEmpty(ServerProcessCheck.ListeningInodes(port));
            Assert.True(ServerProcessCheck.IsListening(Environment.ProcessId, port));
            Assert.Null(ServerProcessCheck.Warning(Environment.ProcessId, port));

            Assert.False(ServerProcessCheck.IsListening(sleeper.Id, port));
            Assert.Contains("not listening on port " + port, ServerProcessCheck.Warning(sleeper.Id, port), StringComparison.Ordinal);
        }
        finally
        {
            sleeper.Kill();
            sleeper.WaitForExit();
        }
    }

    [Fact]
    public void A_port_nobody_listens_on_is_not_listened_on_by_this_process()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        Assert.False(ServerProcessCheck.IsListening(Environment.ProcessId, port));
        Assert.NotNull(ServerProcessCheck.Warning(Environment.ProcessId, port));
    }

    [Fact]
    public void A_pid_that_does_not_exist_is_warned_of()
    {
        var warning = ServerProcessCheck.Warning(int.MaxValue, 9000);
        Assert.Contains("no such process", warning, StringComparison.Ordinal);
    }
}
