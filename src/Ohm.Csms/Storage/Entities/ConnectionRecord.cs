namespace Ohm.Csms.Storage.Entities;

/// <summary>One WebSocket connection of a station: when, from where, with which security profile.</summary>
public sealed class ConnectionRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset? DisconnectedAt { get; set; }

    public string? RemoteAddress { get; set; }

    public int SecurityProfile { get; set; }
}
