namespace Ohm.Csms.Blocks;

/// <summary>
/// Where a station's local-list update runs. Without one (a single node) <see cref="LocalListDriver"/> runs it in this
/// process, one at a time per station; a cluster places each station's updates in one place (a grain per station), which
/// calls <see cref="LocalListDriver.SyncHereAsync"/> one call at a time, so that a change is sent once, wherever it was made.
/// </summary>
public interface ILocalListPlacement
{
    /// <summary>Asks for an update of <paramref name="stationId"/>'s list where it runs (<paramref name="verify"/>: ask its version first, D02).</summary>
    void Run(string stationId, bool verify);
}
