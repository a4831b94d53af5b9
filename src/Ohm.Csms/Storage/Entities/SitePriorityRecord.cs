namespace Ohm.Csms.Storage.Entities;

/// <summary>A priority for the EVs of one token group (idToken groupIdToken) at a site: higher is paused later.</summary>
public sealed class SitePriorityRecord
{
    public long Id { get; set; }

    public required string SiteId { get; set; }

    public required string GroupIdToken { get; set; }

    public int Priority { get; set; }
}
