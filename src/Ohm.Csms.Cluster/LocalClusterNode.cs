using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Cluster;

/// <summary>This node's <see cref="IClusterNode"/>: what its peers tell it goes to its own cache and subscribers, never on.</summary>
public sealed class LocalClusterNode(CsmsDatabase database, ClusterFleetChanges fleet, ClusterEventFanOut stream, ClusterPeers peers, RelayedReports relayed) : IClusterNode
{
    /// <inheritdoc/>
    public Task EvictIdTokensAsync(IdTokenKey[] tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        foreach (var token in tokens)
        {
            var (idToken, type) = token.ToCacheKey();
            database.Tokens.Invalidate(idToken, type); // local only: a remote eviction is not sent on
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task FleetChangesAsync(FleetChangeWire[] changes)
    {
        fleet.Deliver(changes);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task EventsAsync(string[] notices)
    {
        stream.Deliver(notices);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async Task ReportsAsync(ReportWire[] reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        foreach (var report in reports)
        {
            await relayed.DeliverAsync(report.Action, report.StationId, report.Request, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public Task PeersAsync(ClusterListing listing)
    {
        peers.Update(listing);
        return Task.CompletedTask;
    }
}
