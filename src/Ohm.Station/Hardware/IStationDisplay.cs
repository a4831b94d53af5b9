using Ohm.Ocpp.Messages;

namespace Ohm.Station.Hardware;

/// <summary>
/// The station's display, where the driver reads what happens: one at each EVSE and one for the whole station. Two kinds
/// of text reach it: transient texts the blocks show as things happen (<see cref="Show"/>: an authorization result, a
/// tariff or a cost), and the display message of block O that is on now (<see cref="ShowMessage"/>), which stands until
/// the next call for that display.
/// </summary>
public interface IStationDisplay
{
    /// <summary>Shows a message at an EVSE, or on the whole station when <paramref name="evseId"/> is null.</summary>
    void Show(int? evseId, string message);

    /// <summary>
    /// O: puts the display message that is on now at an EVSE's display (or the station's when <paramref name="evseId"/>
    /// is null), in its format (ASCII, HTML, URI, UTF8) and language; null when none is on.
    /// </summary>
    void ShowMessage(int? evseId, MessageContentType? message);
}
