using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Campaigns;
using Ohm.Csms.Cluster;
using Ohm.Csms.Tests.Support;
using Orleans.Runtime;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// An operator's stop of a firmware campaign whose grain is on a node that does not answer (dead but not yet declared
/// so, stopping): a clear "try again" failure that the API answers as 503, with a warning, not an Orleans exception
/// (a 500).
/// </summary>
public sealed class ClusterCampaignFailureTests
{
    [Fact]
    public async Task Stopping_a_campaign_whose_grain_is_unreachable_fails_as_unreachable_with_a_warning()
    {
        var logs = new LogRecorder();
        var placement = new ClusterCampaignPlacement(
            ClusterRouterFailureTests.FailingGrains.Giving(new FailingCampaignGrain(new SiloUnavailableException("The silo 127.0.0.1:11111 is not available."))),
            new RunningLifetime(),
            logs.CreateLogger<ClusterCampaignPlacement>());

        var failure = await Assert.ThrowsAsync<CampaignUnreachableException>(() => placement.StopAsync(7, "test", CancellationToken.None));
        Assert.Contains("Firmware campaign 7", failure.Message, StringComparison.Ordinal);
        Assert.IsType<SiloUnavailableException>(failure.InnerException);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        logs.AssertClean();
    }

    [Fact]
    public async Task Advancing_a_campaign_whose_grain_is_unreachable_leaves_it_to_the_next_tick_with_a_warning()
    {
        var logs = new LogRecorder();
        var placement = new ClusterCampaignPlacement(
            ClusterRouterFailureTests.FailingGrains.Giving(new FailingCampaignGrain(new TimeoutException("Response did not arrive on time."))),
            new RunningLifetime(),
            logs.CreateLogger<ClusterCampaignPlacement>());

        await placement.AdvanceAsync(7, CancellationToken.None);
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        logs.AssertClean();
    }

    private sealed class FailingCampaignGrain(Exception failure) : ICampaignGrain
    {
        public Task AdvanceAsync() => Task.FromException(failure);

        public Task<bool> StopAsync(string reason) => Task.FromException<bool>(failure);
    }

    private sealed class RunningLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
