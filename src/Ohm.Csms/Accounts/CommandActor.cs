namespace Ohm.Csms.Accounts;

/// <summary>
/// Who is acting on behalf of an operator in the current flow (an API request with an account's key, a console
/// session): the audit log records CSMS-to-station calls with it. Calls the CSMS makes on its own (the site
/// balancer, campaigns) have none.
/// </summary>
public static class CommandActor
{
    private static readonly AsyncLocal<string?> Name = new();

    /// <summary>The account acting now, if any.</summary>
    public static string? Current => Name.Value;

    /// <summary>Acts as <paramref name="account"/> until the returned scope is disposed.</summary>
    public static IDisposable Begin(string account)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(account);
        var previous = Name.Value;
        Name.Value = account;
        return new Scope(previous);
    }

    private sealed class Scope(string? previous) : IDisposable
    {
        public void Dispose() => Name.Value = previous;
    }
}
