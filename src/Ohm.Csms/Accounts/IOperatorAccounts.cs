namespace Ohm.Csms.Accounts;

/// <summary>An operator account as the console and the API show it (never its password or key hashes).</summary>
public sealed record OperatorAccountView(string Name, OperatorRole Role, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

/// <summary>An API key of an account as lists show it: never its secret.</summary>
public sealed record ApiKeyView(long Id, string Label, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

/// <summary>An API key just created, with the whole key: shown this once, only its hash is kept.</summary>
public sealed record ApiKeyCreated(long Id, string Label, string Prefix, string Key, DateTimeOffset CreatedAt);

/// <summary>The operator accounts stored in the CSMS database: passwords and API keys hashed at rest.</summary>
/// <remarks>
/// The changes throw <see cref="AccountException"/> with a <see cref="AccountError"/> for what the caller got wrong: a
/// duplicate or unknown name, a short password, or taking away the last enabled Administrator.
/// </remarks>
public interface IOperatorAccounts
{
    /// <summary>The enabled account whose password is <paramref name="password"/>, its last login recorded; null otherwise (no hint which part was wrong).</summary>
    Task<OperatorAccountView?> VerifyPasswordAsync(string name, string password, CancellationToken cancellationToken = default);

    /// <summary>Creates an enabled account.</summary>
    Task<OperatorAccountView> CreateAsync(string name, string password, OperatorRole role, CancellationToken cancellationToken = default);

    /// <summary>Every account, by name.</summary>
    Task<IReadOnlyList<OperatorAccountView>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The account named <paramref name="name"/> (any case), or null.</summary>
    Task<OperatorAccountView?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Changes the role and/or whether the account is enabled (null: unchanged).</summary>
    Task<OperatorAccountView> ChangeAsync(string name, OperatorRole? role, bool? enabled, CancellationToken cancellationToken = default);

    /// <summary>Sets a new password.</summary>
    Task SetPasswordAsync(string name, string password, CancellationToken cancellationToken = default);

    /// <summary>Removes the account and its keys.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Creates an API key of the account: the answer holds the key, which is never shown again.</summary>
    Task<ApiKeyCreated> CreateKeyAsync(string account, string label, CancellationToken cancellationToken = default);

    /// <summary>The account's keys, revoked ones too, newest first.</summary>
    Task<IReadOnlyList<ApiKeyView>> ListKeysAsync(string account, CancellationToken cancellationToken = default);

    /// <summary>Revokes one of the account's keys; false when it has no such key.</summary>
    Task<bool> RevokeKeyAsync(string account, long keyId, CancellationToken cancellationToken = default);

    /// <summary>The enabled account the unrevoked <paramref name="key"/> belongs to, its use recorded (at most once a minute); null otherwise.</summary>
    Task<OperatorAccountView?> VerifyKeyAsync(string key, CancellationToken cancellationToken = default);
}
