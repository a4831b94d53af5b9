using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Cluster;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// Whether a station on another node is connected, asked of its grain: a grain that does not answer (its node dead but
/// not yet declared so) costs a bounded wait, after which the station is not connected, never Orleans' 30 s call timeout.
/// </summary>
public sealed class RemotePresenceCacheTests
{
    [Fact]
    public async Task A_station_whose_grain_does_not_answer_is_not_connected_after_the_bounded_wait()
    {
        var time = new FakeTimeProvider();
        var grain = new SilentStationGrain();
        var cache = new RemotePresenceCache(ClusterRouterFailureTests.FailingGrains.Giving(grain), new ClusterNodes(new EmptyMembership()), time);

        var asked = cache.IsConnectedAsync("CS-FAR", CancellationToken.None);
        Assert.False(asked.IsCompleted);
        time.Advance(RemotePresenceCache.AsyncWait - TimeSpan.FromMilliseconds(1));
        Assert.False(asked.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(await asked.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, grain.Asked);
    }

    private sealed class SilentStationGrain : IStationGrain
    {
        private readonly TaskCompletionSource<string?> _never = new();

        public int Asked { get; private set; }

        public Task ConnectedAsync(string nodeName, long connection, IStationNode node) => Task.CompletedTask;

        public Task AnnouncedAsync(string nodeName, long connection, IStationNode node) => Task.CompletedTask;

        public Task DisconnectedAsync(string nodeName, long connection) => Task.CompletedTask;

        public Task<string?> NodeAsync()
        {
            Asked++;
            return _never.Task;
        }

        public Task<NodeCallOutcome> CallRawAsync(string action, byte[] payload) => throw new NotSupportedException();

        public Task<bool> DisconnectAsync(string reason) => throw new NotSupportedException();
    }
}
