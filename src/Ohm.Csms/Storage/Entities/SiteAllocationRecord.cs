namespace Ohm.Csms.Storage.Entities;

/// <summary>An allocation the balancer computed for an EVSE of a site, kept when it changed (history).</summary>
public sealed class SiteAllocationRecord
{
    public long Id { get; set; }

    public required string SiteId { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The allocation in A per phase.</summary>
    public decimal Allocated { get; set; }

    /// <summary>The current the EVSE measured last, in A per phase; null when unknown.</summary>
    public decimal? Measured { get; set; }

    /// <summary>The site's limit in force, in A per phase.</summary>
    public decimal Limit { get; set; }

    /// <summary>How the EVSE stood: Charging, SuspendedEV, Paused, Idle, Offline, ...</summary>
    public required string State { get; set; }

    /// <summary>The transaction the allocation was for, if any.</summary>
    public string? TransactionId { get; set; }
}
