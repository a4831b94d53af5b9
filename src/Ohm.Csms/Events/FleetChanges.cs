namespace Ohm.Csms.Events;

/// <summary>What changed in the fleet: the console's live views (the fleet, a station, a transaction) redraw on it.</summary>
public enum FleetChangeKind
{
    /// <summary>The station connected.</summary>
    Connected,

    /// <summary>The station's connection ended.</summary>
    Disconnected,

    /// <summary>A BootNotification was answered.</summary>
    Booted,

    /// <summary>A connector's status changed (StatusNotification, or a TransactionEvent that carried it).</summary>
    ConnectorStatus,

    /// <summary>A transaction started, was updated (meter values, cost) or ended.</summary>
    Transaction,

    /// <summary>Something else of the station's stored state changed (its device model, an alert, a security event).</summary>
    Other,
}

/// <summary>One change, published after what it describes is stored (committed).</summary>
/// <param name="Kind">What changed.</param>
/// <param name="StationId">The station.</param>
/// <param name="At">When the CSMS learnt it (its clock).</param>
/// <param name="EvseId">The EVSE, where the change has one.</param>
/// <param name="ConnectorId">The connector, where the change has one.</param>
/// <param name="Status">The connector's new status (ConnectorStatus), the transaction's event type (Transaction).</param>
/// <param name="TransactionId">The transaction, for Transaction.</param>
public sealed record FleetChange(FleetChangeKind Kind, string StationId, DateTimeOffset At, int? EvseId = null, int? ConnectorId = null, string? Status = null, string? TransactionId = null);

/// <summary>
/// The live fan-out of fleet changes to the console. This process's default is <see cref="InProcessFleetChanges"/>; a
/// cluster replaces it with one that fans out across nodes, so that a node's console sees stations connected elsewhere.
/// </summary>
public interface IFleetChanges
{
    /// <summary>Hands a change to every subscriber; never waits for one.</summary>
    void Publish(FleetChange change);

    /// <summary>The changes published from now on, until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<FleetChange> SubscribeAsync(CancellationToken cancellationToken);
}

/// <summary>The in-process <see cref="IFleetChanges"/>.</summary>
public sealed class InProcessFleetChanges : InProcessFanOut<FleetChange>, IFleetChanges;
