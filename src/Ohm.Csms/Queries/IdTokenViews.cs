using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Queries;

/// <summary>An id token in the store. Types and statuses are spelled as in OCPP (ISO14443, eMAID, Accepted, Blocked, ...).</summary>
public sealed record IdTokenView(
    long Id, string IdToken, IdTokenEnumType Type, AuthorizationStatusEnumType Status, DateTimeOffset? ExpiresAt, string? GroupIdToken, IdTokenEnumType? GroupIdTokenType,
    string? Language, string? PersonalMessage, int[]? AllowedEvses, bool AllowConcurrentTx, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? Language2, decimal? Balance, string? BalanceCurrency);

/// <summary>A new id token; its status is Accepted unless given, allowedEvses null for any EVSE.</summary>
public sealed record IdTokenCreation
{
    public required string IdToken { get; init; }

    public required IdTokenEnumType Type { get; init; }

    public AuthorizationStatusEnumType? Status { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? GroupIdToken { get; init; }

    public IdTokenEnumType? GroupIdTokenType { get; init; }

    public string? Language { get; init; }

    public string? PersonalMessage { get; init; }

    public int[]? AllowedEvses { get; init; }

    public bool? AllowConcurrentTx { get; init; }

    public string? Language2 { get; init; }

    public decimal? Balance { get; init; }

    public string? BalanceCurrency { get; init; }

    public IdTokenBody ToBody() => new()
    {
        IdToken = IdToken, Type = Type, Status = Status, ExpiresAt = ExpiresAt, GroupIdToken = GroupIdToken, GroupIdTokenType = GroupIdTokenType,
        Language = Language, PersonalMessage = PersonalMessage, AllowedEvses = AllowedEvses, AllowConcurrentTx = AllowConcurrentTx,
        Language2 = Language2, Balance = Balance, BalanceCurrency = BalanceCurrency,
    };
}

/// <summary>A change of an id token: what is left out (or null) stays as it is.</summary>
public sealed record IdTokenBody
{
    public string? IdToken { get; init; }

    public IdTokenEnumType? Type { get; init; }

    public AuthorizationStatusEnumType? Status { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? GroupIdToken { get; init; }

    public IdTokenEnumType? GroupIdTokenType { get; init; }

    public string? Language { get; init; }

    public string? PersonalMessage { get; init; }

    public int[]? AllowedEvses { get; init; }

    public bool? AllowConcurrentTx { get; init; }

    /// <summary>The driver's second language (I01).</summary>
    public string? Language2 { get; init; }

    /// <summary>C17: the prepaid balance left.</summary>
    public decimal? Balance { get; init; }

    /// <summary>C17: the balance's ISO 4217 currency.</summary>
    public string? BalanceCurrency { get; init; }
}

/// <summary>One page of id tokens: <c>NextAfterId</c> is the id to page on from (null on the last page).</summary>
public sealed record IdTokenPage(IReadOnlyList<IdTokenView> Items, int Total, long? NextAfterId);

/// <summary>Why a change of the store was not made.</summary>
public enum IdTokenStoreError
{
    /// <summary>It was made.</summary>
    None,

    /// <summary>A field is not valid: <see cref="IdTokenStoreResult.Field"/> and <see cref="IdTokenStoreResult.Message"/> say which and why.</summary>
    Invalid,

    /// <summary>No id token of that id.</summary>
    NotFound,

    /// <summary>A token with the same idToken and type is in the store.</summary>
    Conflict,
}

/// <summary>What a change of the store gave: the token as stored, or why not.</summary>
public sealed record IdTokenStoreResult(IdTokenStoreError Error, IdTokenView? Token = null, string? Field = null, string? Message = null);
