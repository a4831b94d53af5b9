namespace Ohm.Csms.Blocks;

/// <summary>
/// I02: every <see cref="CsmsOptions.CostUpdateIntervalSeconds"/> by the injected clock, runs
/// <see cref="TariffCost.UpdateRunningCostsAsync"/> in the background (one run at a time; a tick while one runs is skipped).
/// </summary>
public sealed class CostUpdateDriver(TariffCost tariffs, BackgroundWork background, CsmsOptions options, TimeProvider time) : IDisposable
{
    private ITimer? _timer;
    private int _running;

    /// <summary>Starts the ticks (nothing when the interval is 0).</summary>
    public void Start()
    {
        if (options.CostUpdateIntervalSeconds <= 0 || _timer is not null)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(options.CostUpdateIntervalSeconds);
        _timer = time.CreateTimer(static state => ((CostUpdateDriver)state!).Tick(), this, interval, interval);
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        background.Start("I02 cost updates", async ct =>
        {
            try
            {
                await tariffs.UpdateRunningCostsAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _running, 0);
            }
        });
    }

    /// <summary>Stops the ticks.</summary>
    public void Dispose() => _timer?.Dispose();
}
