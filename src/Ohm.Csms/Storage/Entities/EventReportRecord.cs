namespace Ohm.Csms.Storage.Entities;

/// <summary>A NotifyEvent report, assembled from its parts by generatedAt, seqNo and tbc.</summary>
public sealed class EventReportRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>The generatedAt that all parts of the report carry.</summary>
    public DateTimeOffset GeneratedAt { get; set; }

    public int PartsReceived { get; set; }

    public int LastSeqNo { get; set; } = -1;

    public int EventCount { get; set; }

    /// <summary>Whether the part with tbc false has arrived.</summary>
    public bool Complete { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}
