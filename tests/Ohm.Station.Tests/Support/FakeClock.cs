using Microsoft.Extensions.Time.Testing;

namespace Ohm.Station.Tests.Support;

/// <summary>Drives a station's injected clock: time moves only when the test says so, no test sleeps for it.</summary>
public static class FakeClock
{
    /// <summary>A fake clock that starts at <paramref name="start"/> (by default 2025-01-01T10:00:00Z).</summary>
    public static FakeTimeProvider Create(DateTimeOffset? start = null) => new(start ?? new DateTimeOffset(2025, 1, 1, 10, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Advances the clock by <paramref name="step"/> until <paramref name="condition"/> holds, giving the station a moment
    /// of real time between steps to react; fails when <paramref name="most"/> of fake time passed first. Returns the fake
    /// time elapsed when the condition held.
    /// </summary>
    public static async Task<TimeSpan> AdvanceUntil(this FakeTimeProvider clock, TimeSpan step, Func<bool> condition, TimeSpan most, string what)
    {
        var start = clock.GetUtcNow();
        while (!condition())
        {
            if (clock.GetUtcNow() - start >= most)
            {
                throw new TimeoutException($"No {what} within {most} of station time.");
            }

            clock.Advance(step);
            await Task.Delay(10);
        }

        return clock.GetUtcNow() - start;
    }
}
