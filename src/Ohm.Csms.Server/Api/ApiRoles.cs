using Microsoft.AspNetCore.Http;
using Ohm.Csms.Accounts;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The role each API endpoint needs: reading (GET, HEAD) needs Viewer and changing anything Operator, except the rows
/// of <see cref="Rules"/>, which need Administrator (the CSMS's security setup, its accounts and audit, and who may
/// connect) or open a caller's own account to any role. The first row that matches decides.
/// </summary>
internal static class ApiRoles
{
    private const string AnyMethod = "*";
    private const string Changes = "change";

    /// <summary>Method ("*" any, "change" any but GET/HEAD), path under /api ("*" one segment, "**" the rest), role.</summary>
    private static readonly (string Method, string Path, OperatorRole Role)[] Rules =
    [
        (AnyMethod, "/accounts/me", OperatorRole.Viewer),                      // the caller's own account and keys
        (AnyMethod, "/accounts/me/**", OperatorRole.Viewer),
        (AnyMethod, "/accounts/**", OperatorRole.Administrator),               // accounts
        (AnyMethod, "/accounts", OperatorRole.Administrator),
        (AnyMethod, "/audit/**", OperatorRole.Administrator),                  // the audit log
        (AnyMethod, "/audit", OperatorRole.Administrator),
        (AnyMethod, "/webhooks/**", OperatorRole.Administrator),               // webhooks (where events go, their secrets)
        (AnyMethod, "/webhooks", OperatorRole.Administrator),
        ("PUT", "/stations/*", OperatorRole.Administrator),                    // station registration: who may connect
        ("DELETE", "/stations/*", OperatorRole.Administrator),
        (Changes, "/stations/*/password", OperatorRole.Administrator),        // station credentials, security profile (A01, A05)
        (Changes, "/stations/*/security-profile", OperatorRole.Administrator),
        (Changes, "/stations/*/certificates/**", OperatorRole.Administrator), // certificates issued and revoked (A02, A03)
        (Changes, "/certificates/**", OperatorRole.Administrator),
        (Changes, "/trace/**", OperatorRole.Administrator),                   // the message trace (logs messages whole)
        (Changes, "/trace", OperatorRole.Administrator),
        (Changes, "/stations/*/trace", OperatorRole.Administrator),
    ];

    /// <summary>The role <paramref name="method"/> on <paramref name="path"/> (under /api) needs.</summary>
    public static OperatorRole Needed(string method, PathString path)
    {
        var reads = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        var relative = path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase, out var rest) ? rest.Value ?? "" : path.Value ?? "";
        var segments = relative.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var (ruleMethod, rulePath, role) in Rules)
        {
            var methodMatches = ruleMethod == AnyMethod || (ruleMethod == Changes ? !reads : string.Equals(ruleMethod, method, StringComparison.OrdinalIgnoreCase));
            if (methodMatches && Matches(rulePath.Split('/', StringSplitOptions.RemoveEmptyEntries), segments))
            {
                return role;
            }
        }

        return reads ? OperatorRole.Viewer : OperatorRole.Operator;
    }

    private static bool Matches(string[] pattern, string[] segments)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == "**")
            {
                return segments.Length > i;
            }

            if (i >= segments.Length || (pattern[i] != "*" && !string.Equals(pattern[i], segments[i], StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        return segments.Length == pattern.Length;
    }
}
