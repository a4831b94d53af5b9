using Ohm.Csms.Events;
using Orleans;

namespace Ohm.Csms.Cluster;

/// <summary>A <see cref="FleetChange"/> as it crosses the nodes (its kind as a number).</summary>
[GenerateSerializer]
[Immutable]
public sealed record FleetChangeWire(
    [property: Id(0)] int Kind,
    [property: Id(1)] string StationId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] int? EvseId,
    [property: Id(4)] int? ConnectorId,
    [property: Id(5)] string? Status,
    [property: Id(6)] string? TransactionId)
{
    /// <summary>The wire form of a change.</summary>
    public static FleetChangeWire Of(FleetChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new((int)change.Kind, change.StationId, change.At, change.EvseId, change.ConnectorId, change.Status, change.TransactionId);
    }

    /// <summary>The change again.</summary>
    public FleetChange ToChange() => new((FleetChangeKind)Kind, StationId, At, EvseId, ConnectorId, Status, TransactionId);
}
