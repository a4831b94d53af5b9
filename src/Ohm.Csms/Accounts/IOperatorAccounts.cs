namespace Ohm.Csms.Accounts;

/// <summary>An operator account as the console and the API show it (never its password or key hashes).</summary>
public sealed record OperatorAccountView(string Name, OperatorRole Role, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt);

/// <summary>The operator accounts stored in the CSMS database: passwords and API keys hashed at rest.</summary>
public interface IOperatorAccounts
{
    /// <summary>The enabled account whose password is <paramref name="password"/>, its last login recorded; null otherwise (no hint which part was wrong).</summary>
    Task<OperatorAccountView?> VerifyPasswordAsync(string name, string password, CancellationToken cancellationToken = default);
}
