using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>One per firmware campaign (key: its id): where it is advanced and stopped in the cluster, one call at a time.</summary>
public interface ICampaignGrain : IGrainWithIntegerKey
{
    /// <summary>Advances the campaign (sends the next updates, stops or completes it).</summary>
    Task AdvanceAsync();

    /// <summary>Stops the campaign; false when it was not running.</summary>
    Task<bool> StopAsync(string reason);
}
