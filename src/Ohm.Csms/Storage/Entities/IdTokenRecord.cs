namespace Ohm.Csms.Storage.Entities;

/// <summary>An id token the CSMS authorizes: its status, expiry, group and what the driver is told.</summary>
public sealed class IdTokenRecord
{
    public long Id { get; set; }

    public required string IdToken { get; set; }

    /// <summary>The IdTokenEnumType value (Central, eMAID, ISO14443, ...).</summary>
    public required string Type { get; set; }

    /// <summary>The AuthorizationStatusEnumType value the token is answered with when valid (Accepted, Blocked, ...).</summary>
    public string Status { get; set; } = "Accepted";

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? GroupIdToken { get; set; }

    public string? GroupIdTokenType { get; set; }

    public string? Language { get; set; }

    public string? PersonalMessage { get; set; }

    /// <summary>EVSE ids the token may charge at, comma-separated; null for any.</summary>
    public string? AllowedEvses { get; set; }

    /// <summary>Whether the token may have more than one active transaction.</summary>
    public bool AllowConcurrentTx { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
