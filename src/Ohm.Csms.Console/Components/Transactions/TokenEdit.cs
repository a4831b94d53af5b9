using Ohm.Csms.Queries;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Console.Components.Transactions;

/// <summary>The id-token editor's fields; the expiry is a UTC date (the token expires at its start).</summary>
public sealed class TokenEdit
{
    public string? IdToken { get; set; }

    public IdTokenEnumType Type { get; set; } = IdTokenEnumType.ISO14443;

    public AuthorizationStatusEnumType Status { get; set; } = AuthorizationStatusEnumType.Accepted;

    public DateTime? ExpiresOn { get; set; }

    public string? GroupIdToken { get; set; }

    public IdTokenEnumType? GroupIdTokenType { get; set; }

    /// <summary>The fields of a stored token.</summary>
    public static TokenEdit Of(IdTokenView token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new TokenEdit
        {
            IdToken = token.IdToken, Type = token.Type, Status = token.Status, ExpiresOn = token.ExpiresAt?.UtcDateTime.Date,
            GroupIdToken = token.GroupIdToken, GroupIdTokenType = token.GroupIdTokenType,
        };
    }

    private DateTimeOffset? ExpiresAt => ExpiresOn is { } date ? new DateTimeOffset(DateTime.SpecifyKind(date.Date, DateTimeKind.Utc)) : null;

    /// <summary>A new token of these fields.</summary>
    public IdTokenCreation Creation() => new()
    {
        IdToken = IdToken?.Trim() ?? "", Type = Type, Status = Status, ExpiresAt = ExpiresAt,
        GroupIdToken = GroupIdToken is { Length: > 0 } g ? g.Trim() : null, GroupIdTokenType = GroupIdTokenType,
    };

    /// <summary>The change to these fields (what is empty stays as it is, as the API's PUT).</summary>
    public IdTokenBody Body() => new()
    {
        IdToken = IdToken is { Length: > 0 } id ? id.Trim() : null, Type = Type, Status = Status, ExpiresAt = ExpiresAt,
        GroupIdToken = GroupIdToken is { Length: > 0 } g ? g.Trim() : null, GroupIdTokenType = GroupIdTokenType,
    };
}
