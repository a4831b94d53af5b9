namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// N01: a GetLog the CSMS sent (its id is the requestId), with the station's answer, the last LogStatusNotification
/// status and the upload token whose file, once uploaded, is the log.
/// </summary>
public sealed class LogRequestRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    /// <summary>DiagnosticsLog or SecurityLog.</summary>
    public required string LogType { get; set; }

    public DateTimeOffset? OldestTimestamp { get; set; }

    public DateTimeOffset? LatestTimestamp { get; set; }

    public int? Retries { get; set; }

    public int? RetryInterval { get; set; }

    /// <summary>The upload URL sent in the request (its token is only in the URL).</summary>
    public required string RemoteLocation { get; set; }

    /// <summary>The upload token of <see cref="FileTokenRecord"/>; its file is the uploaded log.</summary>
    public long TokenId { get; set; }

    /// <summary>The station's GetLog answer (Accepted, Rejected, AcceptedCanceled), or null while it is being sent.</summary>
    public string? ResponseStatus { get; set; }

    /// <summary>The file name the station said it will upload.</summary>
    public string? Filename { get; set; }

    /// <summary>The last LogStatusNotification status, or the answer when none came yet.</summary>
    public string? Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>N01: one LogStatusNotification, linked to its request when its requestId names one of this station's.</summary>
public sealed class LogStatusRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public int? RequestId { get; set; }

    public long? LogRequestId { get; set; }

    public required string Status { get; set; }

    public string? ReasonCode { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}
