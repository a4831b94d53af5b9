using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Engine;

/// <summary>Ohm.Station never captures a synchronization context (CA2007), so a host that blocks on it cannot deadlock.</summary>
public sealed class SynchronizationContextTests
{
    [Fact]
    public async Task A_host_blocking_on_the_station_from_its_own_synchronization_context_does_not_deadlock()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-SYNC");
        var finished = await Task.Run(() =>
        {
            // A UI thread that blocks on the station: whatever is posted to its context never runs.
            SynchronizationContext.SetSynchronizationContext(new BlockedContext());
            try
            {
                return station.Authorization.PresentTokenAsync(1, "SYNC").Wait(TimeSpan.FromSeconds(30))
                    && station.StopAsync().Wait(TimeSpan.FromSeconds(30));
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        });
        Assert.True(finished, "the station waited for a continuation posted to the blocked context");
    }

    private sealed class BlockedContext : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
        }

        public override void Send(SendOrPostCallback d, object? state)
        {
        }
    }
}
