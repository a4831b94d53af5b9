using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>A report part relayed to the peers (see <see cref="Ohm.Csms.Sessions.IReportRelay"/>): its action, station and request JSON.</summary>
[GenerateSerializer]
[Immutable]
public sealed record ReportWire([property: Id(0)] string Action, [property: Id(1)] string StationId, [property: Id(2)] string Request);
