namespace Ohm.Station.Hardware;

/// <summary>What the lock did when asked to unlock.</summary>
public enum UnlockResult
{
    /// <summary>The connector is unlocked.</summary>
    Unlocked,

    /// <summary>The lock did not open.</summary>
    UnlockFailed,
}
