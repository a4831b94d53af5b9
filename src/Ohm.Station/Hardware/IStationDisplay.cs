namespace Ohm.Station.Hardware;

/// <summary>The station's display, where the driver reads what happens (display messages, O, land here later).</summary>
public interface IStationDisplay
{
    /// <summary>Shows a message at an EVSE, or on the whole station when <paramref name="evseId"/> is null.</summary>
    void Show(int? evseId, string message);
}
