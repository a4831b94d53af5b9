namespace Ohm.Csms.Storage.Entities;

/// <summary>One WebSocket connection of a station: when, from where, with which security profile, on which node.</summary>
public sealed class ConnectionRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset? DisconnectedAt { get; set; }

    public string? RemoteAddress { get; set; }

    public int SecurityProfile { get; set; }

    /// <summary>
    /// The cluster node that held the connection (its silo address with the run's generation, <c>10.0.0.5:11111@123</c>);
    /// null on one node. The open rows of a node the cluster declared dead are closed by a surviving node.
    /// </summary>
    public string? NodeName { get; set; }
}
