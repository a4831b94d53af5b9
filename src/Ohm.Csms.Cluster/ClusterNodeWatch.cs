using System.Data.Common;
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
    /// <summary>How often the schema is looked at while the host migrates it, and how soon a failed clean-up is tried again.</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(250);

    private static readonly TimeSpan FailedRetry = TimeSpan.FromSeconds(5);

    private readonly HashSet<SiloAddress> _handled = [];

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The host migrates the database after its services have started: the rows exist once it has.
            await SchemaReadyAsync(stoppingToken).ConfigureAwait(false);
            var mine = ClusterNodes.NameOf(silo.SiloAddress);
            var previousRuns = $"{silo.SiloAddress.Endpoint}@";
            await UntilDoneAsync(() => CloseAsync("this node's previous runs", c => EF.Functions.Like(c.NodeName!, previousRuns + "%") && c.NodeName != mine, stoppingToken), stoppingToken).ConfigureAwait(false);

            var first = true;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken).ConfigureAwait(false))
            {
                // This node declared dead is a node that stops (Orleans ends a silo that learns it): the others clean up after it.
                var dead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && !_handled.Contains(m.SiloAddress) && !m.SiloAddress.Equals(silo.SiloAddress)).ToList();
                foreach (var member in dead)
                {
                    var node = ClusterNodes.NameOf(member.SiloAddress);
                    await UntilDoneAsync(() => CloseAsync(node, c => c.NodeName == node, stoppingToken), stoppingToken).ConfigureAwait(false);
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

    private async Task SchemaReadyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                using var db = database.CreateContext();
                if (!(await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).Any())
                {
                    return;
                }
            }
            catch (DbException)
            {
                // Not reachable yet: as not migrated.
            }

            await Task.Delay(Retry, time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a clean-up until it succeeds (the database may be briefly away); each failure is logged.</summary>
    private async Task UntilDoneAsync(Func<Task> cleanUp, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await cleanUp().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                LogCleanUpFailed(ex, FailedRetry.TotalSeconds);
            }

            await Task.Delay(FailedRetry, time, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: closing a dead node's connection rows failed; trying again in {Seconds} s")]
    private partial void LogCleanUpFailed(Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: the membership watch failed; a dead node's connection rows stay open until another node closes them")]
    private partial void LogWatchFailed(Exception exception);
}
