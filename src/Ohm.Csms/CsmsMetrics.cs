using System.Diagnostics.Metrics;
using Ohm.Csms.Sessions;

namespace Ohm.Csms;

/// <summary>The metrics of the CSMS (meter <c>Ohm.Csms</c>): connected stations.</summary>
public sealed class CsmsMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Ohm.Csms";

    private readonly Meter _meter = new(MeterName);

    /// <summary>Observes the sessions.</summary>
    public CsmsMetrics(StationSessions sessions)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        _meter.CreateObservableGauge("ohm.csms.stations.connected", () => sessions.Count, "{station}", "Stations connected now.");
    }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
