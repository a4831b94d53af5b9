namespace Ohm.Csms.Sites;

/// <summary>
/// Where the balance of a root site runs. Without one (a single node) the <see cref="SiteBalancer"/> of this process runs
/// every root's balance itself; a cluster places each root's balance in one place (a grain per root site), which calls
/// <see cref="SiteBalancer.RunHere"/> of the node it runs on, so that the runs of one site tree are serialized cluster-wide
/// and its memory (profiles sent, offline times) is kept in one process.
/// </summary>
public interface ISiteBalancePlacement
{
    /// <summary>
    /// How long the stations' site memberships read by a node stay fresh: null while nothing but this process changes them
    /// (it is told by <see cref="SiteBalancer.SitesChanged"/>); in a cluster another node's API changes them too.
    /// </summary>
    TimeSpan? MembershipLifetime { get; }

    /// <summary>Asks for a balance of <paramref name="rootSiteId"/> where it runs; <paramref name="change"/>, if any, is applied to its memory first.</summary>
    void Request(string rootSiteId, SiteStationChange? change);

    /// <summary>
    /// The allocation view of <paramref name="siteId"/> (in the tree of <paramref name="rootSiteId"/>), computed where the
    /// root's balance runs (<see cref="SiteBalancer.ViewHereAsync"/> there); <paramref name="here"/> computes it in this
    /// process instead, for when that place cannot be reached.
    /// </summary>
    Task<SiteAllocationView?> ViewAsync(string rootSiteId, string siteId, Func<Task<SiteAllocationView?>> here, CancellationToken cancellationToken);
}

/// <summary>A station of a site connected or left (told by the node that holds its connection).</summary>
/// <param name="StationId">The station.</param>
/// <param name="Connected">Whether it connected (true) or its connection closed (false).</param>
/// <param name="At">When, on the clock of the node that saw it.</param>
public sealed record SiteStationChange(string StationId, bool Connected, DateTimeOffset At);
