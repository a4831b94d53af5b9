namespace Ohm.Csms.Accounts;

/// <summary>What an operator account may do; each role includes the ones below it.</summary>
public enum OperatorRole
{
    /// <summary>Reads everything: the fleet, transactions, the device model, events.</summary>
    Viewer = 0,

    /// <summary>A Viewer who also sends commands to stations and edits id tokens.</summary>
    Operator = 1,

    /// <summary>An Operator who also registers stations, manages accounts and changes settings.</summary>
    Administrator = 2,
}

/// <summary>The authorization policies of the console and the API, one per role: a policy is met by its role or a higher one.</summary>
public static class OperatorPolicies
{
    /// <summary>Read access.</summary>
    public const string Viewer = nameof(OperatorRole.Viewer);

    /// <summary>Commands and id tokens.</summary>
    public const string Operator = nameof(OperatorRole.Operator);

    /// <summary>Stations, accounts, settings.</summary>
    public const string Administrator = nameof(OperatorRole.Administrator);

    /// <summary>The roles that meet <paramref name="needed"/>, as role claim values.</summary>
    public static string[] RolesMeeting(OperatorRole needed) =>
        [.. Enum.GetValues<OperatorRole>().Where(r => r >= needed).Select(r => r.ToString())];
}
