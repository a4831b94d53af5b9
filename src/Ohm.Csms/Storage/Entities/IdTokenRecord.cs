using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage.Entities;

/// <summary>An id token the CSMS authorizes: its status, expiry, group and what the driver is told.</summary>
public sealed class IdTokenRecord
{
    public long Id { get; set; }

    public required string IdToken { get; set; }

    /// <summary>The token's type; stored in its wire spelling (Central, eMAID, ISO14443, ...).</summary>
    public required IdTokenEnumType Type { get; set; }

    /// <summary>The status the token is answered with when valid (Accepted, Blocked, ...); stored in its wire spelling.</summary>
    public AuthorizationStatusEnumType Status { get; set; } = AuthorizationStatusEnumType.Accepted;

    public DateTimeOffset? ExpiresAt { get; set; }

    public string? GroupIdToken { get; set; }

    public IdTokenEnumType? GroupIdTokenType { get; set; }

    public string? Language { get; set; }

    /// <summary>The driver's second language (I01: the tariff text in language1, then language2, then the default).</summary>
    public string? Language2 { get; set; }

    /// <summary>C17 prepaid: the balance left, in <see cref="BalanceCurrency"/>; null for a token that is not prepaid.</summary>
    public decimal? Balance { get; set; }

    /// <summary>ISO 4217 currency of <see cref="Balance"/>.</summary>
    public string? BalanceCurrency { get; set; }

    public string? PersonalMessage { get; set; }

    /// <summary>EVSE ids the token may charge at, comma-separated; null for any.</summary>
    public string? AllowedEvses { get; set; }

    /// <summary>Whether the token may have more than one active transaction.</summary>
    public bool AllowConcurrentTx { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
