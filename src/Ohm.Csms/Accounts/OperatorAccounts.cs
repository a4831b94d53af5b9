using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Accounts;

/// <summary>
/// The operator accounts in the CSMS database: passwords as salted PBKDF2 hashes, API keys as the SHA-256 of their
/// secret, found by a short public prefix. Changes go through the <see cref="CsmsWriter"/>, so that the checks (a
/// duplicate name, the last enabled Administrator) and the change are one transaction.
/// </summary>
public sealed class OperatorAccounts(CsmsDatabase database, CsmsWriter writer, TimeProvider time) : IOperatorAccounts
{
    /// <summary>The shortest password accepted.</summary>
    public const int MinPasswordLength = 12;

    /// <summary>The longest account name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>How every key starts: <c>ohm_&lt;prefix&gt;_&lt;secret&gt;</c>.</summary>
    public const string KeyStart = "ohm_";

    private const int PrefixBytes = 6;
    private const int SecretBytes = 32;
    private static readonly TimeSpan UseRecordedEvery = TimeSpan.FromMinutes(1);

    // Verified when the name is unknown, so that an unknown name takes as long as a wrong password.
    private static readonly Lazy<string> DummyHash = new(() => PasswordHasher.Hash("not-a-password-of-anyone"));

    /// <summary>Names the CSMS acts as itself (the shared key, development mode): no account may take them.</summary>
    public static IReadOnlySet<string> ReservedNames { get; } = new HashSet<string>(["api-key", "development-admin"], StringComparer.OrdinalIgnoreCase);

    public async Task<OperatorAccountView?> VerifyPasswordAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(password);
        var record = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (!PasswordHasher.Verify(password, record?.PasswordHash ?? DummyHash.Value) || record is not { Enabled: true })
        {
            return null;
        }

        var now = time.GetUtcNow();
        await writer.ExecuteAsync(
            db => db.OperatorAccounts.Where(a => a.Id == record.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.LastLoginAt, now), CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
        record.LastLoginAt = now;
        return View(record);
    }

    public async Task<OperatorAccountView> CreateAsync(string name, string password, OperatorRole role, CancellationToken cancellationToken = default)
    {
        CheckName(name);
        CheckPassword(password);
        CheckRole(role);
        var record = new OperatorAccountRecord
        {
            Name = name.Trim(),
            NormalizedName = Normalize(name),
            PasswordHash = PasswordHasher.Hash(password),
            Role = role,
            Enabled = true,
            CreatedAt = time.GetUtcNow(),
        };
        var error = await writer.ExecuteAsync(
            async db =>
            {
                if (await db.OperatorAccounts.AnyAsync(a => a.NormalizedName == record.NormalizedName, CancellationToken.None).ConfigureAwait(false))
                {
                    return new AccountException(AccountError.Duplicate, $"An account named '{name}' exists already (names are compared without case).");
                }

                db.OperatorAccounts.Add(record);
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        return error is null ? View(record) : throw error;
    }

    public async Task<IReadOnlyList<OperatorAccountView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var records = await db.OperatorAccounts.AsNoTracking().OrderBy(a => a.NormalizedName).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. records.Select(View)];
        }
    }

    public async Task<OperatorAccountView?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return await FindAsync(name, cancellationToken).ConfigureAwait(false) is { } record ? View(record) : null;
    }

    public async Task<OperatorAccountView> ChangeAsync(string name, OperatorRole? role, bool? enabled, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (role is { } given)
        {
            CheckRole(given);
        }

        var normalized = Normalize(name);
        var (record, error) = await writer.ExecuteAsync(
            async db =>
            {
                var record = await db.OperatorAccounts.FirstOrDefaultAsync(a => a.NormalizedName == normalized, CancellationToken.None).ConfigureAwait(false);
                if (record is null)
                {
                    return ((OperatorAccountRecord?)null, (AccountException?)Unknown(name));
                }

                var staysAdministrator = (role ?? record.Role) == OperatorRole.Administrator && (enabled ?? record.Enabled);
                if (record is { Role: OperatorRole.Administrator, Enabled: true } && !staysAdministrator
                    && !await OtherEnabledAdministratorAsync(db, record.Id).ConfigureAwait(false))
                {
                    return ((OperatorAccountRecord?)null, (AccountException?)LastAdministrator(name, "demoted or disabled"));
                }

                record.Role = role ?? record.Role;
                record.Enabled = enabled ?? record.Enabled;
                return ((OperatorAccountRecord?)record, (AccountException?)null);
            },
            cancellationToken).ConfigureAwait(false);
        return error is null ? View(record!) : throw error;
    }

    public async Task SetPasswordAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckPassword(password);
        var normalized = Normalize(name);
        var hash = PasswordHasher.Hash(password);
        var changed = await writer.ExecuteAsync(
            db => db.OperatorAccounts.Where(a => a.NormalizedName == normalized).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, hash), CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            throw Unknown(name);
        }
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = Normalize(name);
        var error = await writer.ExecuteAsync(
            async db =>
            {
                var record = await db.OperatorAccounts.FirstOrDefaultAsync(a => a.NormalizedName == normalized, CancellationToken.None).ConfigureAwait(false);
                if (record is null)
                {
                    return Unknown(name);
                }

                if (record is { Role: OperatorRole.Administrator, Enabled: true } && !await OtherEnabledAdministratorAsync(db, record.Id).ConfigureAwait(false))
                {
                    return LastAdministrator(name, "removed");
                }

                await db.ApiKeys.Where(k => k.AccountId == record.Id).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
                db.OperatorAccounts.Remove(record);
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            throw error;
        }
    }

    public async Task<ApiKeyCreated> CreateKeyAsync(string account, string label, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        label = (label ?? "").Trim();
        if (label.Length is 0 or > 100)
        {
            throw new AccountException(AccountError.Invalid, "label: give the key a label of 1 to 100 characters (what uses it).");
        }

        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixBytes));
        var secret = Base64UrlSecret();
        var normalized = Normalize(account);
        var record = new ApiKeyRecord { Label = label, Prefix = prefix, SecretHash = Sha256(secret), CreatedAt = time.GetUtcNow() };
        var error = await writer.ExecuteAsync(
            async db =>
            {
                var owner = await db.OperatorAccounts.Where(a => a.NormalizedName == normalized).Select(a => (long?)a.Id).FirstOrDefaultAsync(CancellationToken.None).ConfigureAwait(false);
                if (owner is null)
                {
                    return Unknown(account);
                }

                record.AccountId = owner.Value;
                db.ApiKeys.Add(record);
                return null;
            },
            cancellationToken).ConfigureAwait(false);
        return error is null ? new ApiKeyCreated(record.Id, record.Label, prefix, KeyStart + prefix + "_" + secret, record.CreatedAt) : throw error;
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListKeysAsync(string account, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var normalized = Normalize(account);
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var keys = await db.ApiKeys.AsNoTracking()
                .Where(k => db.OperatorAccounts.Any(a => a.Id == k.AccountId && a.NormalizedName == normalized))
                .OrderByDescending(k => k.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. keys.Select(k => new ApiKeyView(k.Id, k.Label, k.Prefix, k.CreatedAt, k.LastUsedAt, k.RevokedAt))];
        }
    }

    public async Task<bool> RevokeKeyAsync(string account, long keyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(account);
        var normalized = Normalize(account);
        var now = time.GetUtcNow();
        var revoked = await writer.ExecuteAsync(
            db => db.ApiKeys
                .Where(k => k.Id == keyId && k.RevokedAt == null && db.OperatorAccounts.Any(a => a.Id == k.AccountId && a.NormalizedName == normalized))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), CancellationToken.None),
            cancellationToken).ConfigureAwait(false);
        return revoked > 0;
    }

    public async Task<OperatorAccountView?> VerifyKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        if (!TrySplit(key, out var prefix, out var secret))
        {
            return null;
        }

        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            var found = await db.ApiKeys.AsNoTracking().Where(k => k.Prefix == prefix)
                .Join(db.OperatorAccounts.AsNoTracking(), k => k.AccountId, a => a.Id, (k, a) => new { Key = k, Account = a })
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (found is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sha256(secret)), Encoding.ASCII.GetBytes(found.Key.SecretHash))
                || found.Key.RevokedAt is not null || !found.Account.Enabled)
            {
                return null;
            }

            var now = time.GetUtcNow();
            if (found.Key.LastUsedAt is not { } used || now - used >= UseRecordedEvery)
            {
                var id = found.Key.Id;
                await writer.ExecuteAsync(
                    db => db.ApiKeys.Where(k => k.Id == id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), CancellationToken.None),
                    cancellationToken).ConfigureAwait(false);
            }

            return View(found.Account);
        }
    }

    /// <summary>The name compared: trimmed, upper case (invariant).</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant();
    }

    private static OperatorAccountView View(OperatorAccountRecord a) => new(a.Name, a.Role, a.Enabled, a.CreatedAt, a.LastLoginAt);

    private async Task<OperatorAccountRecord?> FindAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = Normalize(name);
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await db.OperatorAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedName == normalized, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task<bool> OtherEnabledAdministratorAsync(CsmsDbContext db, long id) =>
        db.OperatorAccounts.AnyAsync(a => a.Id != id && a.Enabled && a.Role == OperatorRole.Administrator, CancellationToken.None);

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        if (trimmed.Length is 0 or > MaxNameLength || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or '@'))
        {
            throw new AccountException(AccountError.Invalid, $"name: 1 to {MaxNameLength} characters of letters, digits and . - _ @ (got '{name}').");
        }

        if (ReservedNames.Contains(trimmed))
        {
            throw new AccountException(AccountError.Invalid, $"name: '{trimmed}' is the name the CSMS itself acts as; choose another.");
        }
    }

    private static void CheckPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < MinPasswordLength)
        {
            throw new AccountException(AccountError.Invalid, $"password: at least {MinPasswordLength} characters (got {password.Length}).");
        }
    }

    private static void CheckRole(OperatorRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new AccountException(AccountError.Invalid, $"role: one of {string.Join(", ", Enum.GetNames<OperatorRole>())}.");
        }
    }

    private static AccountException Unknown(string name) => new(AccountError.NotFound, $"No account is named '{name}'.");

    private static AccountException LastAdministrator(string name, string what) =>
        new(AccountError.LastAdministrator, $"'{name}' is the last enabled Administrator: it cannot be {what}. Make another account an Administrator first.");

    private static bool TrySplit(string? key, out string prefix, out string secret)
    {
        prefix = secret = "";
        if (key is null || !key.StartsWith(KeyStart, StringComparison.Ordinal) || key.Length > 200)
        {
            return false;
        }

        var separator = key.IndexOf('_', KeyStart.Length);
        if (separator != KeyStart.Length + (PrefixBytes * 2))
        {
            return false;
        }

        prefix = key[KeyStart.Length..separator];
        secret = key[(separator + 1)..];
        return secret.Length > 0;
    }

    private static string Base64UrlSecret() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));

    private static string Sha256(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
