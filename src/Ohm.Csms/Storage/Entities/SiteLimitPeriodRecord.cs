namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// One period of a site's daily schedule of limits: from <see cref="StartMinute"/> (minutes after midnight, in the site's
/// time zone) until the next period's start (wrapping past midnight), the limit is <see cref="Limit"/>.
/// </summary>
public sealed class SiteLimitPeriodRecord
{
    public long Id { get; set; }

    public required string SiteId { get; set; }

    /// <summary>Minutes after local midnight, 0..1439.</summary>
    public int StartMinute { get; set; }

    /// <summary>The limit in the site's unit.</summary>
    public decimal Limit { get; set; }
}
