using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Orleans;
using Orleans.Runtime;

namespace Ohm.Csms.Cluster;

/// <summary>
/// Keeps this node in the cluster's directory: registers its <see cref="LocalClusterNode"/> when the silo has started,
/// again every <see cref="Period"/> and at each change of the membership (the directory's activation may have moved with
/// a dead node), drops peers the membership says are dead at once, and leaves when the host stops. It also hands the
/// peers to the id-token cache.
/// </summary>
public sealed partial class ClusterNodeRegistration(
    IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo, LocalClusterNode node, ClusterPeers peers,
    ClusterNodeName name, CsmsDatabase database, TimeProvider time, ILogger<ClusterNodeRegistration> logger) : IHostedService, IDisposable
{
    /// <summary>How often a node registers again.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _poke = new(0, 1);
    private ClusterPeer? _self;
    private Task _loops = Task.CompletedTask;
    private int _stopped;

    /// <inheritdoc/>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _self = new ClusterPeer(name.Value, silo.SiloAddress, grains.CreateObjectReference<IClusterNode>(node));
        database.Tokens.Peers = peers;
        await RegisterAsync().ConfigureAwait(false);
        _loops = Task.WhenAll(Task.Run(() => RegisterLoopAsync(_stopping.Token), CancellationToken.None), Task.Run(() => WatchMembershipAsync(_stopping.Token), CancellationToken.None));
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return; // a host stopped, then disposed, stops it twice
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loops.ConfigureAwait(false);
        database.Tokens.Peers = null;
        try
        {
            await grains.GetGrain<IClusterDirectoryGrain>(IClusterDirectoryGrain.Key).LeaveAsync(name.Value).WaitAsync(ClusterPeers.EvictionBound, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The directory drops a node that left without saying so (its silo dead, or silent).
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogLeaveFailed(ex);
        }

        // The observer's reference is not deleted: a peer that has not yet heard that this node left may still send it a
        // batch, which this node takes (and drops) rather than having Orleans log an error for an unknown target. The
        // reference ends with the silo.
        await peers.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopping.Dispose();
        _poke.Dispose();
    }

    private async Task RegisterAsync()
    {
        try
        {
            var listing = await grains.GetGrain<IClusterDirectoryGrain>(IClusterDirectoryGrain.Key).RegisterAsync(_self!).ConfigureAwait(false);
            peers.Update(listing);
        }
#pragma warning disable CA1031 // The next period registers again; until then the peers are those known.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogRegisterFailed(ex);
        }
    }

    private async Task RegisterLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var period = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var tick = Task.Delay(Period, time, period.Token);
                await Task.WhenAny(tick, _poke.WaitAsync(period.Token)).ConfigureAwait(false);
                await period.CancelAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!ct.IsCancellationRequested)
            {
                await RegisterAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task WatchMembershipAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(ct).ConfigureAwait(false))
            {
                peers.Prune(snapshot);
                if (_poke.CurrentCount == 0)
                {
                    try
                    {
                        _poke.Release();
                    }
                    catch (SemaphoreFullException)
                    {
                        // poked already
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
#pragma warning disable CA1031 // Without the membership's updates, the periodic registration still keeps the peers.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogMembershipWatchEnded(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: this node could not register with the directory; it tries again")]
    private partial void LogRegisterFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: the membership's updates ended; the peers are kept by the periodic registration only")]
    private partial void LogMembershipWatchEnded(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster: this node could not tell the directory it leaves")]
    private partial void LogLeaveFailed(Exception exception);
}
