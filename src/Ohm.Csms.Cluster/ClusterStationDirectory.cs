using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The directory of cluster mode: this node's stations from its own sessions, the other nodes' from their open
/// connection rows in the shared database (one query for a list), counted only while their node is not declared dead.
/// </summary>
public sealed class ClusterStationDirectory(CsmsDatabase database, StationSessions sessions, ClusterNodeName name, ClusterNodes nodes) : IStationDirectory
{
    /// <inheritdoc/>
    public string? NodeName => name.Value;

    /// <inheritdoc/>
    public async ValueTask<StationLiveStates> ReadAsync(IReadOnlyCollection<string>? stationIds, CancellationToken cancellationToken)
    {
        var mine = name.Value;
        var states = new Dictionary<string, StationLiveState>(StringComparer.Ordinal);
        using (var db = database.CreateContext())
        {
            var open = db.Connections.AsNoTracking().Where(c => c.DisconnectedAt == null && c.NodeName != null && c.NodeName != mine);
            if (stationIds is not null)
            {
                if (stationIds.Count == 0)
                {
                    return new States(states);
                }

                open = open.Where(c => stationIds.Contains(c.StationId));
            }

            var rows = await open.Select(c => new { c.StationId, c.NodeName, c.ConnectedAt, c.SecurityProfile })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                // A station seen open on two nodes (it moved; the older row closes shortly): the newer connection holds it.
                if (nodes.IsLive(row.NodeName) && (!states.TryGetValue(row.StationId, out var seen) || seen.ConnectedSince < row.ConnectedAt))
                {
                    states[row.StationId] = new StationLiveState(row.NodeName, row.ConnectedAt, row.SecurityProfile, null, null);
                }
            }
        }

        // This node's own stations, from memory: exact, and before their row is written.
        if (stationIds is null)
        {
            foreach (var session in sessions.All)
            {
                states[session.StationId] = StationLiveState.Of(session, mine);
            }
        }
        else
        {
            foreach (var id in stationIds)
            {
                if (sessions.Find(id) is { } session)
                {
                    states[id] = StationLiveState.Of(session, mine);
                }
            }
        }

        return new States(states);
    }

    private sealed class States(Dictionary<string, StationLiveState> states) : StationLiveStates
    {
        public override StationLiveState? Find(string stationId) => states.TryGetValue(stationId, out var state) ? state : null;
    }
}
