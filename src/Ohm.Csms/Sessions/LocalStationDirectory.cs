namespace Ohm.Csms.Sessions;

/// <summary>The directory of one process: its own sessions, read in place (no copy, no query).</summary>
public sealed class LocalStationDirectory : IStationDirectory
{
    private readonly Sessions _states;

    /// <summary>Reads <paramref name="sessions"/>.</summary>
    public LocalStationDirectory(StationSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _states = new Sessions(sessions);
    }

    /// <inheritdoc/>
    public string? NodeName => null;

    /// <inheritdoc/>
    public ValueTask<StationLiveStates> ReadAsync(IReadOnlyCollection<string>? stationIds, CancellationToken cancellationToken) => new(_states);

    private sealed class Sessions(StationSessions sessions) : StationLiveStates
    {
        public override StationLiveState? Find(string stationId) =>
            sessions.Find(stationId) is { } session ? StationLiveState.Of(session, null) : null;

        public override bool IsConnected(string stationId) => sessions.IsConnected(stationId);
    }
}
