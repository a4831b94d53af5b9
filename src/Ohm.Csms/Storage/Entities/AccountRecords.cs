using Ohm.Csms.Accounts;

namespace Ohm.Csms.Storage.Entities;

/// <summary>An operator account of the console and the API. The password is kept only as a <see cref="PasswordHasher"/> hash.</summary>
public sealed class OperatorAccountRecord
{
    public long Id { get; set; }

    /// <summary>The name as given at creation.</summary>
    public required string Name { get; set; }

    /// <summary>The name in upper case (invariant): unique, so that names differ in more than case.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The salted PBKDF2 hash of the password.</summary>
    public required string PasswordHash { get; set; }

    public OperatorRole Role { get; set; }

    public bool Enabled { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastLoginAt { get; set; }
}

/// <summary>An API key of an account: only its public prefix (for lookup) and the SHA-256 of its secret are kept.</summary>
public sealed class ApiKeyRecord
{
    public long Id { get; set; }

    public long AccountId { get; set; }

    public required string Label { get; set; }

    /// <summary>The public part of the key (<c>ohm_&lt;prefix&gt;_&lt;secret&gt;</c>), unique.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the secret part, lower-case hex.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>One CSMS-to-station call an operator made (through the API or the console), with how it ended.</summary>
public sealed class AuditRecord
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Account { get; set; }

    public required string StationId { get; set; }

    /// <summary>The OCPP action sent.</summary>
    public required string Action { get; set; }

    /// <summary>Answered, CallError, Timeout, NotConnected or Failed (see <see cref="Accounts.AuditOutcomes"/>).</summary>
    public required string Outcome { get; set; }

    /// <summary>The CALLERROR code and description, or what else went wrong.</summary>
    public string? Detail { get; set; }
}
