using Ohm.Station.Blocks;

namespace Ohm.Station;

/// <summary>
/// The CSMS addresses the station was started with: <see cref="StationOptions.Endpoint"/> and then
/// <see cref="StationOptions.FallbackEndpoints"/> (the other nodes of a cluster). A connection attempt goes through them in
/// order from the preferred one (the one that answered last) and stops at the first that answers; when a connection drops,
/// the next round starts with the following address, so that the station moves to another node at once. They stand for the
/// start profile (network profile slot 0) only: a profile the CSMS set has its one URL.
/// </summary>
internal sealed class CsmsEndpoints
{
    private readonly Uri[] _all;
    private int _preferred;

    internal CsmsEndpoints(StationOptions options) =>
        _all = [options.Endpoint, .. options.FallbackEndpoints.Where(u => u != options.Endpoint).Distinct()];

    /// <summary>How many addresses the start profile has.</summary>
    internal int Count => _all.Length;

    /// <summary>The targets of one connection round for <paramref name="target"/>: one per address from the preferred one on, or the target alone.</summary>
    internal IReadOnlyList<ConnectionTarget> Round(ConnectionTarget target)
    {
        if (!IsStartProfile(target) || _all.Length == 1)
        {
            return [target];
        }

        var first = Volatile.Read(ref _preferred);
        return Enumerable.Range(0, _all.Length).Select(i => target with { Endpoint = _all[(first + i) % _all.Length] }).ToList();
    }

    /// <summary>Whether a dropped connection with <paramref name="target"/> has other addresses to try at once.</summary>
    internal bool CanFailOver(ConnectionTarget target) => IsStartProfile(target) && _all.Length > 1;

    /// <summary>A connection with <paramref name="target"/> was opened: its address is tried first next time.</summary>
    internal void Connected(ConnectionTarget target)
    {
        var at = Array.IndexOf(_all, target.Endpoint);
        if (at >= 0)
        {
            Volatile.Write(ref _preferred, at);
        }
    }

    /// <summary>The connection with <paramref name="target"/> dropped: the next round starts with the following address, this one last.</summary>
    internal void Dropped(ConnectionTarget target)
    {
        var at = Array.IndexOf(_all, target.Endpoint);
        if (at >= 0)
        {
            Volatile.Write(ref _preferred, (at + 1) % _all.Length);
        }
    }

    private bool IsStartProfile(ConnectionTarget target) => target.Slot == 0 && _all.Contains(target.Endpoint);
}
