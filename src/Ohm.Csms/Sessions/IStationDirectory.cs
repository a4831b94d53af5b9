namespace Ohm.Csms.Sessions;

/// <summary>
/// Where the stations are connected, as the API and the console read it: connected or not, on which node, since when,
/// with which security profile, last seen. One process answers from its own sessions (<see cref="LocalStationDirectory"/>);
/// a cluster answers for every node.
/// </summary>
public interface IStationDirectory
{
    /// <summary>The name this node writes in the connection rows it opens; null on one node.</summary>
    string? NodeName { get; }

    /// <summary>The live state of the stations in <paramref name="stationIds"/>, or of every connected station when null (one read for a list, never one per station).</summary>
    ValueTask<StationLiveStates> ReadAsync(IReadOnlyCollection<string>? stationIds, CancellationToken cancellationToken);
}

/// <summary>A connected station's live state.</summary>
/// <param name="Node">The node that holds its connection; null on one node.</param>
/// <param name="ConnectedSince">When its connection opened.</param>
/// <param name="SecurityProfile">The security profile it connected with.</param>
/// <param name="LastSeenAt">When it last sent a message, when the node holding it knows (another node's station: null, the stored value holds).</param>
/// <param name="RegistrationStatus">How its last boot on this connection was answered, when the node holding it knows.</param>
public readonly record struct StationLiveState(string? Node, DateTimeOffset ConnectedSince, int SecurityProfile, DateTimeOffset? LastSeenAt, string? RegistrationStatus)
{
    /// <summary>The live state of a session of this process.</summary>
    public static StationLiveState Of(StationSession session, string? node)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new StationLiveState(node, session.ConnectedAt, session.SecurityProfile, session.LastSeenAt, session.RegistrationStatus);
    }
}

/// <summary>What a <see cref="IStationDirectory"/> read: the live state of each connected station it covers.</summary>
public abstract class StationLiveStates
{
    /// <summary>The station's live state, or null when it is not connected (or was not asked for).</summary>
    public abstract StationLiveState? Find(string stationId);

    /// <summary>Whether the station is connected.</summary>
    public virtual bool IsConnected(string stationId) => Find(stationId) is not null;
}
