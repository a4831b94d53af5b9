using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Events;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Watches the cluster's membership and clears what a dead node leaves behind: its open connection rows are closed
/// (at the time its death is seen; the update only touches rows still open, so several nodes doing it close each row
/// once), and this node announces its own stations to their grains again, since the grains that lived on the dead node
/// come back empty elsewhere. At start it also closes the rows its own previous run (same address and port, another
/// generation) left open.
/// </summary>
public sealed partial class ClusterNodeWatch(
    IClusterMembershipService membership, ILocalSiloDetails silo, CsmsDatabase database, ClusterStationPresence presence, TimeProvider time, ILogger<ClusterNodeWatch> logger, IFleetChanges? changes = null)
    : BackgroundService
{
    private readonly HashSet<SiloAddress> _handled = [];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var mine = ClusterNodes.NameOf(silo.SiloAddress);
            var previousRuns = $"{silo.SiloAddress.Endpoint}@";
            await CloseAsync("this node's previous runs", c => EF.Functions.Like(c.NodeName!, previousRuns + "%") && c.NodeName != mine, stoppingToken).ConfigureAwait(false);

            var first = true;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !_handled.Contains(m.SiloAddress)).ToList();
                foreach (var member in dead)
                {
                    var node = ClusterNodes.NameOf(member.SiloAddress);
                    await CloseAsync(node, c => c.NodeName == node, stoppingToken).ConfigureAwait(false);
                    _handled.Add(member.SiloAddress);
                }

                // The nodes dead before this one joined held no grain this node's stations use.
                if (dead.Count > 0 && !first)
                {
                    var announced = await presence.AnnounceAllAsync(stoppingToken).ConfigureAwait(false);
                    LogAnnounced(announced, dead.Count);
                }

                first = false;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The node stops.
        }
#pragma warning disable CA1031 // The watch failing must not stop the node; rows stay open until another node (or a restart) closes them.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogWatchFailed(ex);
        }
    }

    /// <summary>Closes the open connection rows that <paramref name="which"/> selects, at this moment.</summary>
    private async Task CloseAsync(string node, Expression<Func<ConnectionRecord, bool>> which, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        using var db = database.CreateContext();
        var open = db.Connections.Where(c => c.DisconnectedAt == null && c.NodeName != null).Where(which);
        var stations = changes is null ? [] : await open.Select(c => c.StationId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        var closed = await open.ExecuteUpdateAsync(s => s.SetProperty(c => c.DisconnectedAt, now), cancellationToken).ConfigureAwait(false);
        if (closed == 0)
        {
            return;
        }

        LogClosed(closed, node);
        foreach (var station in stations)
        {
            changes?.Publish(new FleetChange(FleetChangeKind.Disconnected, station, now));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: closed {Count} connection rows left open by {Node}")]
    private partial void LogClosed(int count, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster: announced {Count} stations to their grains again after {Dead} nodes died")]
    private partial void LogAnnounced(int count, int dead);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: the membership watch failed; a dead node's connection rows stay open until another node closes them")]
    private partial void LogWatchFailed(Exception exception);
}
