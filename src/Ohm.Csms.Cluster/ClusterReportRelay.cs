using Ohm.Csms.Sessions;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The cluster's <see cref="IReportRelay"/>: a part this node stored and waits for nothing of goes to every peer, in
/// order, one of which may wait for it (its API asked the station, which is connected here).
/// </summary>
public sealed class ClusterReportRelay(ClusterPeers peers) : IReportRelay
{
    /// <inheritdoc/>
    public void Relay(string action, string stationId, string request) => peers.PostReport(new ReportWire(action, stationId, request));
}
