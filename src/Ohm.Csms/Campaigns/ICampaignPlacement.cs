namespace Ohm.Csms.Campaigns;

/// <summary>
/// Where a firmware campaign is advanced and stopped. Without one (a single node) <see cref="FirmwareCampaigns"/> does it
/// in this process under a lock per campaign; a cluster places each campaign in one place (a grain per campaign), which
/// calls <see cref="FirmwareCampaigns.AdvanceHereAsync"/> and <see cref="FirmwareCampaigns.StopHereAsync"/> on its node
/// one call at a time, so that no station gets two UpdateFirmware and MaxConcurrent holds across the nodes.
/// </summary>
public interface ICampaignPlacement
{
    /// <summary>Advances the campaign where it is placed; returns once it was advanced.</summary>
    Task AdvanceAsync(long campaignId, CancellationToken cancellationToken);

    /// <summary>Stops the campaign where it is placed; false when it was not running.</summary>
    Task<bool> StopAsync(long campaignId, string reason, CancellationToken cancellationToken);
}
