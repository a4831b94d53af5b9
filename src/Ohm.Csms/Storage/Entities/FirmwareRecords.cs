namespace Ohm.Csms.Storage.Entities;

/// <summary>L01: a firmware the CSMS can send: a file of the file service, or an external URL, with its signature.</summary>
public sealed class FirmwareRecord
{
    public long Id { get; set; }

    /// <summary>The version the station reports in BootNotification once it runs this firmware.</summary>
    public required string Version { get; set; }

    /// <summary>The file served to stations (<see cref="StoredFileRecord"/>); null for an external URL.</summary>
    public long? FileId { get; set; }

    /// <summary>The external URL stations download from; null when the file service serves <see cref="FileId"/>.</summary>
    public string? Location { get; set; }

    /// <summary>The PEM certificate that signed the firmware (at most 5500 characters), sent as signingCertificate.</summary>
    public string? SigningCertificate { get; set; }

    /// <summary>The base64 signature of the firmware (at most 800 characters), sent as signature.</summary>
    public string? Signature { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// L01/L02: one UpdateFirmware to one station (its id is the requestId), alone or in a campaign, with where it stands:
/// Queued (a campaign's, not sent yet), Sent, InProgress (a status came), Done (Installed, or booted on the new
/// version), Failed, Canceled (replaced by a later update, AcceptedCanceled), Skipped (the campaign stopped first).
/// </summary>
public sealed class FirmwareUpdateRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public long FirmwareId { get; set; }

    public long? CampaignId { get; set; }

    public required string State { get; set; }

    /// <summary>The station's UpdateFirmware answer (Accepted, Rejected, AcceptedCanceled, InvalidCertificate, RevokedCertificate).</summary>
    public string? ResponseStatus { get; set; }

    /// <summary>The last FirmwareStatusNotification status.</summary>
    public string? Status { get; set; }

    /// <summary>Why it failed, in words (the status, the answer, not connected).</summary>
    public string? FailureReason { get; set; }

    public DateTimeOffset? RetrieveDateTime { get; set; }

    public DateTimeOffset? InstallDateTime { get; set; }

    public int? Retries { get; set; }

    public int? RetryInterval { get; set; }

    /// <summary>The download token when the file service serves the firmware.</summary>
    public long? TokenId { get; set; }

    /// <summary>The firmwareVersion of the BootNotification (reason FirmwareUpdate) that completed it.</summary>
    public string? BootedVersion { get; set; }

    /// <summary>A campaign's queued update whose station was not connected: when to try again.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>L01: one FirmwareStatusNotification, linked to its update when its requestId names one of this station's.</summary>
public sealed class FirmwareStatusRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int? RequestId { get; set; }

    public long? FirmwareUpdateId { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>
/// L01 over many stations: one firmware to a list of stations, at most <see cref="MaxConcurrent"/> in progress at once,
/// stopped once more than <see cref="MaxFailurePercent"/> of the stations failed. State Running, Completed or Stopped.
/// </summary>
public sealed class FirmwareCampaignRecord
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public long FirmwareId { get; set; }

    public int MaxConcurrent { get; set; }

    public int MaxFailurePercent { get; set; }

    public required string State { get; set; }

    public DateTimeOffset? RetrieveDateTime { get; set; }

    public DateTimeOffset? InstallDateTime { get; set; }

    public int? Retries { get; set; }

    public int? RetryInterval { get; set; }

    public string? StopReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }
}
