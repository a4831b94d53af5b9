using Ohm.Cli.Bench;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Cli.Tests;

/// <summary>`ohm bench` with several URLs (the nodes of a cluster): stations spread round-robin, fail over, and a report per node.</summary>
public sealed class BenchClusterTests
{
    [Fact]
    public async Task Stations_are_spread_over_the_urls_a_lost_connection_fails_over_and_the_report_has_a_row_per_node()
    {
        await using var first = await LoopbackCsms.StartAsync();
        await using var second = await LoopbackCsms.StartAsync();
        var booted = 0;
        foreach (var csms in new[] { first, second })
        {
            csms.Handlers
                .On(OcppActions.BootNotification, (_, _, _) => Interlocked.Increment(ref booted) > 0 ? ValueTask.FromResult(new BootNotificationResponse { CurrentTime = DateTimeOffset.UtcNow, Interval = 60, Status = RegistrationStatusEnumType.Accepted }) : default)
                .On(OcppActions.Heartbeat, (_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        }

        var options = new BenchOptions
        {
            Url = first.Endpoint,
            MoreUrls = [second.Endpoint],
            Stations = 4,
            Ramp = 100,
            Duration = TimeSpan.FromSeconds(3),
            Mix = BenchMix.Idle,
            Progress = false,
        };
        var run = new BenchRunner(options, TextWriter.Null).RunAsync(CancellationToken.None);

        // BENCH1 and BENCH3 are on the first node, BENCH2 and BENCH4 on the second; the first node drops BENCH1.
        var dropped = await first.WaitForConnectionAsync("BENCH1");
        await second.WaitForConnectionAsync("BENCH4");
        while (Volatile.Read(ref booted) < 4)
        {
            await Task.Delay(10);
        }

        await dropped.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "going away");
        var result = await run;

        Assert.NotNull(result.Nodes);
        Assert.Equal([first.Endpoint.ToString(), second.Endpoint.ToString()], result.Nodes!.Select(n => n.Url));
        Assert.Equal(2, result.Nodes[0].ConnectionsEstablished);
        Assert.Equal(1, result.Nodes[0].ConnectionsLost);
        Assert.Equal(3, result.Nodes[1].ConnectionsEstablished); // its two and BENCH1's failover
        Assert.Equal([1, 3], result.Nodes.Select(n => n.ConnectionsHeld));
        Assert.Equal(4, result.Nodes.Sum(n => n.ConnectionsHeld));
        Assert.Equal(4, booted); // BENCH1 did not boot again on the second node: the cluster is one CSMS
        Assert.Contains("| total | 4 |", BenchReport.ToMarkdown(result), StringComparison.Ordinal);
    }
}
