using System.Security.Claims;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Console;

/// <summary>The claims the console's cookie carries, and how a page reads them.</summary>
public static class ConsoleUser
{
    /// <summary>A principal for <paramref name="name"/> with <paramref name="role"/>, as the cookie stores it.</summary>
    public static ClaimsPrincipal Principal(string name, OperatorRole role, string authenticationType) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString())], authenticationType, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>The role of <paramref name="user"/>; Viewer when it carries none.</summary>
    public static OperatorRole Role(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return Enum.TryParse<OperatorRole>(user.FindFirstValue(ClaimTypes.Role), out var role) ? role : OperatorRole.Viewer;
    }

    /// <summary>Whether <paramref name="user"/> may do what <paramref name="needed"/> may.</summary>
    public static bool Can(ClaimsPrincipal user, OperatorRole needed) => user.Identity?.IsAuthenticated == true && Role(user) >= needed;
}
