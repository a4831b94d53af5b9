namespace Ohm.Csms.Storage.Entities;

/// <summary>A device-model report (GetBaseReport/GetReport) as its NotifyReport parts arrive.</summary>
public sealed class ReportRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int RequestId { get; set; }

    public int PartsReceived { get; set; }

    public int LastSeqNo { get; set; } = -1;

    public int VariablesReported { get; set; }

    public bool Complete { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}
