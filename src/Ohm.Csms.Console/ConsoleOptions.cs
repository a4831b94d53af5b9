namespace Ohm.Csms.Console;

/// <summary>How the console is served.</summary>
/// <param name="DevelopmentLogin">
/// Development mode (<c>--accept-unknown</c>): a browser on the loopback address is logged in as
/// <see cref="DevelopmentAccount"/>, an Administrator, without a password; every page says so.
/// </param>
public sealed record ConsoleOptions(bool DevelopmentLogin)
{
    /// <summary>The account name development mode logs in as (not stored: it exists only in development mode).</summary>
    public const string DevelopmentAccount = "development-admin";
}
