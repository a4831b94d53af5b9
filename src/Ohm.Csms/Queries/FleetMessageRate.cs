using System.Diagnostics.Metrics;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Queries;

/// <summary>
/// OCPP CALLs per second (received and sent, all stations), sampled from the counter the RPC layer already keeps
/// (<c>ohm.ocpp.calls</c>). The listener is attached at the first <see cref="Sample"/> (the first dashboard or
/// /api/fleet/summary), so a CSMS nobody looks at pays nothing; after that each CALL adds one interlocked add.
/// The rate is the calls counted between two samples at least <see cref="MinimumInterval"/> apart, over their interval.
/// </summary>
public sealed class FleetMessageRate(TimeProvider time) : IDisposable
{
    /// <summary>The shortest interval a rate is computed over; a sample sooner returns the last rate.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(2);

    private readonly Lock _lock = new();
    private MeterListener? _listener;
    private long _calls;
    private long _lastCalls;
    private long _lastAt;
    private double? _rate;

    /// <summary>The calls counted since the listener was attached.</summary>
    public long Calls => Interlocked.Read(ref _calls);

    /// <summary>The calls per second over the latest interval; null until two samples were taken.</summary>
    public double? Sample()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (_listener is null)
            {
                Start();
                _lastAt = now;
                return null;
            }

            var elapsed = time.GetElapsedTime(_lastAt, now);
            if (elapsed >= MinimumInterval)
            {
                var calls = Calls;
                _rate = (calls - _lastCalls) / elapsed.TotalSeconds;
                _lastCalls = calls;
                _lastAt = now;
            }

            return _rate;
        }
    }

    private void Start()
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OcppMetrics.MeterName && instrument.Name == "ohm.ocpp.calls")
                {
                    listener.EnableMeasurementEvents(instrument, this);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, _, state) => Interlocked.Add(ref ((FleetMessageRate)state!)._calls, value));
        _listener.Start();
    }

    /// <inheritdoc/>
    public void Dispose() => _listener?.Dispose();
}
