namespace Ohm.Csms.Storage.Entities;

/// <summary>A member of a site: a whole station (every EVSE of it) or one EVSE of a station.</summary>
public sealed class SiteMemberRecord
{
    public long Id { get; set; }

    public required string SiteId { get; set; }

    public required string StationId { get; set; }

    /// <summary>The EVSE; null for the whole station.</summary>
    public int? EvseId { get; set; }

    /// <summary>The largest current this member's EVSEs take, in A per phase; null: the site's.</summary>
    public decimal? MaxCurrent { get; set; }

    /// <summary>The EVSEs a whole-station member has, when the CSMS does not know them from connector statuses yet.</summary>
    public int? EvseCount { get; set; }
}
