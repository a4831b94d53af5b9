using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>One per root site (key: the root site's id): where the balance of its site tree runs in the cluster.</summary>
public interface ISiteBalancerGrain : IGrainWithStringKey
{
    /// <summary>
    /// A balance of the tree is asked for. With <paramref name="stationId"/> set, that station connected
    /// (<paramref name="connected"/>) or left at <paramref name="at"/>, which the balance's memory takes first.
    /// </summary>
    Task RequestAsync(string? stationId, bool connected, DateTimeOffset at);

    /// <summary>The allocation view of <paramref name="siteId"/> in this tree, computed here (JSON of <c>SiteAllocationView</c>; null for no such site).</summary>
    Task<byte[]?> ViewAsync(string siteId);
}
