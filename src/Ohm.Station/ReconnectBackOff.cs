namespace Ohm.Station;

/// <summary>
/// The reconnect wait of OCPP 2.0.1 (B, "Reconnecting"): RetryBackOffWaitMinimum, doubled after each failed attempt
/// up to RetryBackOffRepeatTimes doublings, plus a random 0..RetryBackOffRandomRange seconds.
/// </summary>
public static class ReconnectBackOff
{
    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 (attempt counts from 0).</summary>
    public static TimeSpan Delay(int attempt, int waitMinimum, int repeatTimes, int randomRange, Random? random = null)
    {
        var doublings = Math.Clamp(attempt, 0, Math.Max(0, repeatTimes));
        var seconds = Math.Max(0, waitMinimum) * Math.Pow(2, doublings);
#pragma warning disable CA5394 // The jitter spreads reconnects; it is not a security value.
        seconds += randomRange > 0 ? (random ?? Random.Shared).NextDouble() * randomRange : 0;
#pragma warning restore CA5394
        return TimeSpan.FromSeconds(seconds);
    }
}
