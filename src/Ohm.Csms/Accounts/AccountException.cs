namespace Ohm.Csms.Accounts;

/// <summary>What was wrong with a change of an account.</summary>
public enum AccountError
{
    /// <summary>A name, password or label that is not acceptable.</summary>
    Invalid,

    /// <summary>No account has the name.</summary>
    NotFound,

    /// <summary>An account with the name (in any case) exists.</summary>
    Duplicate,

    /// <summary>The change would leave no enabled Administrator.</summary>
    LastAdministrator,
}

/// <summary>A change of an account refused, with what to fix in <see cref="Exception.Message"/>.</summary>
public sealed class AccountException : Exception
{
    public AccountException(AccountError error, string message)
        : base(message) => Error = error;

    public AccountException()
    {
    }

    public AccountException(string message)
        : base(message)
    {
    }

    public AccountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>What kind of mistake it is.</summary>
    public AccountError Error { get; }
}
