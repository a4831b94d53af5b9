using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Cluster;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Orleans;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// A call to a station on another node whose grain call fails in the cluster (a node dead but not yet declared so, a
/// silo stopping, a timeout): the caller gets what one node gives for a station it cannot reach, with a warning, not an
/// Orleans exception (which the API would answer with a 500).
/// </summary>
public sealed class ClusterRouterFailureTests
{
    [Fact]
    public async Task A_call_whose_grain_is_on_an_unreachable_node_fails_as_not_connected_with_a_warning()
    {
        var logs = new LogRecorder();
        var router = Router(new SiloUnavailableException("The silo 127.0.0.1:11111 is not available."), logs);

        var failure = await Assert.ThrowsAsync<StationNotConnectedException>(() => router.CallAsync("CS-FAR", new ResetRequest { Type = ResetEnumType.Immediate }));
        Assert.Equal("CS-FAR", failure.StationId);
        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("SiloUnavailableException", warning.Message, StringComparison.Ordinal);
        logs.AssertClean();
    }

    [Fact]
    public async Task A_call_whose_grain_does_not_answer_in_time_fails_as_a_station_timeout_with_a_warning()
    {
        var logs = new LogRecorder();
        var router = Router(new TimeoutException("Response did not arrive on time in 00:00:30."), logs);

        await Assert.ThrowsAsync<OcppCallTimeoutException>(() => router.CallRawAsync("CS-FAR", OcppActions.Heartbeat, "{}"u8.ToArray()));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("timed out", StringComparison.Ordinal));
        logs.AssertClean();
    }

    [Fact]
    public async Task A_disconnect_that_does_not_reach_the_node_closes_nothing()
    {
        var logs = new LogRecorder();
        var router = Router(new OrleansException("The silo is stopping."), logs);

        Assert.False(await router.DisconnectAsync("CS-FAR", "test"));
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        logs.AssertClean();
    }

    [Fact]
    public async Task A_failure_of_the_grain_itself_is_not_taken_for_a_cluster_failure()
    {
        var logs = new LogRecorder();
        var router = Router(new InvalidOperationException("a bug"), logs);

        await Assert.ThrowsAsync<InvalidOperationException>(() => router.CallRawAsync("CS-FAR", OcppActions.Heartbeat, "{}"u8.ToArray()));
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
    }

    private static ClusterStationCallRouter Router(Exception failure, LogRecorder logs)
    {
        var grains = FailingGrains.Giving(new FailingStationGrain(failure));
        return new ClusterStationCallRouter(new StationSessions(), grains, new RemotePresenceCache(grains, new ClusterNodes(new EmptyMembership()), new FakeTimeProvider()), logs.CreateLogger<ClusterStationCallRouter>());
    }

    /// <summary>A grain factory that gives only grains of <see cref="Grain"/>'s interfaces, all of them <see cref="Grain"/>.</summary>
#pragma warning disable CA1852 // DispatchProxy derives from it.
    internal class FailingGrains : DispatchProxy
#pragma warning restore CA1852
    {
        public object? Grain { get; set; }

        public static IGrainFactory Giving(object grain)
        {
            var grains = Create<IGrainFactory, FailingGrains>();
            ((FailingGrains)(object)grains).Grain = grain;
            return grains;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && targetMethod.GetGenericArguments()[0].IsInstanceOfType(Grain)
                ? Grain
                : throw new NotSupportedException(targetMethod?.ToString());
    }

    private sealed class FailingStationGrain(Exception failure) : IStationGrain
    {
        public Task ConnectedAsync(string nodeName, long connection, IStationNode node) => Task.FromException(failure);

        public Task AnnouncedAsync(string nodeName, long connection, IStationNode node) => Task.FromException(failure);

        public Task DisconnectedAsync(string nodeName, long connection) => Task.FromException(failure);

        public Task<string?> NodeAsync() => Task.FromException<string?>(failure);

        public Task<NodeCallOutcome> CallRawAsync(string action, byte[] payload) => Task.FromException<NodeCallOutcome>(failure);

        public Task<bool> DisconnectAsync(string reason) => Task.FromException<bool>(failure);
    }
}
