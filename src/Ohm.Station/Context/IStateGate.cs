namespace Ohm.Station.Context;

/// <summary>
/// Serializes the changes of the station's live state: one holder at a time, entered and exited like a lock (not
/// reentrant). Today one gate serves the whole station; blocks reach it only through this seam, so that it can become
/// one gate per EVSE without touching them.
/// </summary>
internal interface IStateGate
{
    /// <summary>Waits until the gate is free and takes it.</summary>
    Task EnterAsync(CancellationToken cancellationToken = default);

    /// <summary>Gives the gate back; once per <see cref="EnterAsync"/>.</summary>
    void Exit();
}
