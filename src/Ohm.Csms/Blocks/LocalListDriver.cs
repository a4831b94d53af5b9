using System.Collections.Concurrent;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Runs the local-list updates of block D: when a list's membership or the token store changes, and when a station
/// connects. The work to do is in the database (a Pending list); this only decides when a connected station's update
/// runs, at most one at a time per station, another run following when more changed meanwhile. It is the seam a cluster
/// replaces, so that one place runs a station's update: with an <see cref="ILocalListPlacement"/> the runs go there.
/// </summary>
public class LocalListDriver(LocalAuthList lists, IStationCallRouter router, BackgroundWork background, ILocalListPlacement? placement = null)
{
    // Per station running now: false, or true when another run must follow.
    private readonly ConcurrentDictionary<string, bool> _running = new(StringComparer.Ordinal);

    /// <summary>A station's list changed (membership, a full update asked for): its update runs if it is connected.</summary>
    public virtual void Changed(string stationId) => Run(stationId, verify: false);

    /// <summary>The token store changed: every list that may hold the token is marked Pending and updated.</summary>
    public virtual async Task TokensChangedAsync(CancellationToken cancellationToken)
    {
        foreach (var stationId in await lists.TokensChangedAsync(cancellationToken).ConfigureAwait(false))
        {
            Run(stationId, verify: false);
        }
    }

    /// <summary>
    /// A station is connected and accepted (it booted, or reconnected as accepted): a Pending or Failed list is sent,
    /// after asking the station's version (D02), which may have changed while it was away.
    /// </summary>
    public virtual void Connected(string stationId) => Run(stationId, verify: true);

    /// <summary>
    /// Runs one update of <paramref name="stationId"/>'s list in this process and returns when it ended: the placement's
    /// call where it placed the station (one at a time per station there).
    /// </summary>
    /// <param name="stationId">The station.</param>
    /// <param name="verify">Whether the station's version is asked first (D02).</param>
    /// <param name="cancellationToken">Stops the update.</param>
    public Task SyncHereAsync(string stationId, bool verify, CancellationToken cancellationToken) => lists.SyncAsync(stationId, verify, cancellationToken);

    private void Run(string stationId, bool verify)
    {
        // Placed elsewhere (a cluster), the run there asks whether the station is connected, without blocking this thread.
        if (placement is not null)
        {
            placement.Run(stationId, verify);
            return;
        }

        if (!router.IsConnected(stationId))
        {
            return;
        }

        while (true)
        {
            if (_running.TryAdd(stationId, false))
            {
                background.Start($"Local list update of {stationId}", ct => RunAsync(stationId, verify, ct));
                return;
            }

            if (_running.TryUpdate(stationId, true, false) || (_running.TryGetValue(stationId, out var again) && again))
            {
                return;
            }
        }
    }

    private async Task RunAsync(string stationId, bool verify, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await lists.SyncAsync(stationId, verify, cancellationToken).ConfigureAwait(false);
                verify = false;
                if (_running.TryUpdate(stationId, false, true))
                {
                    continue;
                }

                if (_running.TryRemove(new KeyValuePair<string, bool>(stationId, false)))
                {
                    return;
                }
            }
        }
        catch
        {
            _running.TryRemove(stationId, out _);
            throw;
        }
    }
}
