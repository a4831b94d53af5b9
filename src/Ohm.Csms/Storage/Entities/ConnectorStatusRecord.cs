namespace Ohm.Csms.Storage.Entities;

/// <summary>A connector's status as last notified, or one entry of its history.</summary>
public sealed class ConnectorStatusRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int EvseId { get; set; }

    public int ConnectorId { get; set; }

    public required string Status { get; set; }

    /// <summary>When the station says the status took effect.</summary>
    public DateTimeOffset Timestamp { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>True for the one row per connector that holds its current status; false for history rows.</summary>
    public bool Current { get; set; }
}
