namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A site: stations and EVSEs behind one grid connection, with a limit the balancer (<see cref="Sites.SiteBalancer"/>)
/// shares among them. A site may sit inside a parent site (a car park on a building's connection): what its members take
/// counts in the parent's limit too.
/// </summary>
public sealed class SiteRecord
{
    /// <summary>The site's id, chosen by the operator.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The site whose limit this one's members count in too; null for a site on its own connection.</summary>
    public string? ParentSiteId { get; set; }

    /// <summary>The limit's unit: A (per phase) or W (total, converted at <see cref="Voltage"/> and <see cref="Phases"/>).</summary>
    public SiteLimitUnit LimitUnit { get; set; } = SiteLimitUnit.A;

    /// <summary>The limit when no period of the daily schedule applies, in <see cref="LimitUnit"/>.</summary>
    public decimal Limit { get; set; }

    /// <summary>The IANA time zone of the daily schedule's times of day (UTC when null).</summary>
    public string? TimeZone { get; set; }

    /// <summary>The safety margin kept below the limit, in percent of it.</summary>
    public decimal MarginPercent { get; set; }

    /// <summary>The safety margin kept below the limit, absolute, in <see cref="LimitUnit"/>.</summary>
    public decimal MarginAbsolute { get; set; }

    /// <summary>The line voltage used to convert W to A (phase to neutral).</summary>
    public decimal Voltage { get; set; } = 230m;

    /// <summary>The number of phases of the connection, used to convert W to A.</summary>
    public int Phases { get; set; } = 3;

    /// <summary>
    /// The offline fallback, in A per phase per EVSE: the TxDefaultProfile the balancer gives the members' EVSEs, which a
    /// station applies when it runs without a transaction profile; an offline station counts with it once
    /// <see cref="OfflineFallbackSeconds"/> have passed.
    /// </summary>
    public decimal FallbackCurrent { get; set; } = 6m;

    /// <summary>How long an offline station still counts with its last allocation before its fallback applies.</summary>
    public int OfflineFallbackSeconds { get; set; } = 300;

    /// <summary>The smallest current an EV charges with (6 A for AC): below it an EV is paused (0).</summary>
    public decimal MinCurrent { get; set; } = 6m;

    /// <summary>The largest current an EVSE of the site is given, when its EV does not say less.</summary>
    public decimal MaxCurrent { get; set; } = 32m;

    /// <summary>An allocation is sent only when it changes by more than this, in A; null: the balancer's setting.</summary>
    public decimal? Threshold { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The unit of a site's limit (A or W on the API).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<SiteLimitUnit>))]
public enum SiteLimitUnit
{
    /// <summary>Amperes per phase.</summary>
    A,

    /// <summary>Watts, in total.</summary>
    W,
}
