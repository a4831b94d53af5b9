using System.ComponentModel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>Block A from the operator's side: a station's password (A01) and its security profile (A05).</summary>
internal static class StationSecurityApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var security = api.MapGroup("/stations/{stationId}").WithTags("Security");
        var password = security.MapPost("/password", ChangePasswordAsync).WithName("updateStationPassword")
            .WithSummary("A01 Give the station a new random BasicAuthPassword; stored only when the station accepts it, the old one valid until it connects with the new one")
            .WithDescription("Answers the new password once. A station that does not accept it (409, with its status) keeps its current password.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        var profile = security.MapPost("/security-profile", UpgradeProfileAsync).WithName("upgradeStationSecurityProfile")
            .WithSummary("A05 Raise the station's security profile: CSMS root installed, network profile set and made first, station reset; lower connections refused from then on")
            .WithDescription("Answers each step's result. A step the station rejects stops the sequence (409, naming the step). A downgrade is refused unless Csms:Security:AllowProfileDowngrade is true. Profile 3 is refused (409) while the station holds no valid, unrevoked ChargingStationCertificate issued by this CSMS: trigger a renewal first.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        foreach (var status in ApiResults.CallProblems)
        {
            password.ProducesProblem(status);
            profile.ProducesProblem(status);
        }
    }

    /// <summary>The body of a password update: an empty object (the CSMS makes the password; nothing to choose).</summary>
    internal sealed record PasswordUpdate;

    /// <summary>The station's answer to its new password, and the password (it is not shown again).</summary>
    internal sealed record PasswordChanged(string StationId, string Status, string Password);

    /// <summary>The security-profile upgrade asked for.</summary>
    internal sealed record ProfileUpgrade(
        [property: Description("The new security profile: 2 (TLS and password) or 3 (TLS with a client certificate); 1 only as an allowed downgrade")] int? SecurityProfile,
        [property: Description("The URL the station connects to, without its identity; default: this CSMS's OCPP endpoint")] string? OcppCsmsUrl = null,
        [property: Description("The NetworkConnectionProfiles slot to put the new profile in; default 1")] int? ConfigurationSlot = null);

    /// <summary>Each step that ran, in order, with the station's answer; and the profile the station must now use.</summary>
    internal sealed record ProfileUpgraded(string StationId, int SecurityProfile, string OcppCsmsUrl, int ConfigurationSlot, IReadOnlyList<SecurityProfileUpgrade.StepResult> Steps);

    // A01
    private static async Task<Results<Ok<PasswordChanged>, ProblemHttpResult>> ChangePasswordAsync(
        string stationId, [Description("{} (optional)")] PasswordUpdate? body, CsmsDatabase database, ApiOptions options, BasicAuthPasswordUpdate update, CancellationToken ct)
    {
        _ = body;
        var station = await FindAsync(database, stationId, ct).ConfigureAwait(false);
        if (station is null)
        {
            return ApiResults.StationNotFound(stationId);
        }

        if (station.SecurityProfile is not (1 or 2))
        {
            return ApiResults.Conflict("The station uses no password", $"Station '{stationId}' is registered for security profile {station.SecurityProfile}; only profiles 1 and 2 authenticate with a password.");
        }

        return await ApiResults.CallAsync<Results<Ok<PasswordChanged>, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var outcome = await update.UpdateAsync(stationId, t).ConfigureAwait(false);
            return outcome.Accepted
                ? TypedResults.Ok(new PasswordChanged(stationId, outcome.Status.ToWire(), outcome.Password!))
                : TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "The station did not accept the new password",
                    detail: $"Station '{stationId}' answered {outcome.Status.ToWire()}{Reason(outcome.StatusInfo)}; its current password stays.",
                    extensions: new Dictionary<string, object?> { ["stationStatus"] = outcome.Status.ToWire(), ["reasonCode"] = outcome.StatusInfo?.ReasonCode });
        }, p => p, ct).ConfigureAwait(false);
    }

    // A05
    private static async Task<Results<Ok<ProfileUpgraded>, ValidationProblem, ProblemHttpResult>> UpgradeProfileAsync(
        string stationId, ProfileUpgrade body, CsmsDatabase database, ApiOptions options, SecurityProfileOptions policy, CsmsRootCertificate root,
        OcppEndpointOptions ocpp, Listeners listeners, SecurityProfileUpgrade upgrade, CancellationToken ct)
    {
        if (body.SecurityProfile is not { } target || target is < 1 or > 3)
        {
            return ApiResults.Invalid("securityProfile", "must be 2 or 3 (1 only as an allowed downgrade)");
        }

        var slot = body.ConfigurationSlot ?? 1;
        if (slot < 0)
        {
            return ApiResults.Invalid("configurationSlot", "must be 0 or more");
        }

        var url = body.OcppCsmsUrl ?? OwnUrl(ocpp, listeners);
        if (url is null)
        {
            return ApiResults.Invalid("ocppCsmsUrl", $"is required: this CSMS listens on '{ocpp.Url}', which a station cannot connect to");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("ws" or "wss") || url.Length > 512)
        {
            return ApiResults.Invalid("ocppCsmsUrl", "must be a ws:// or wss:// URL of at most 512 characters");
        }

        if (target >= 2 && parsed.Scheme != "wss")
        {
            return ApiResults.Invalid("ocppCsmsUrl", $"must be wss:// for security profile {target}");
        }

        var station = await FindAsync(database, stationId, ct).ConfigureAwait(false);
        if (station is null)
        {
            return ApiResults.StationNotFound(stationId);
        }

        if (target < station.SecurityProfile && !policy.AllowProfileDowngrade)
        {
            return ApiResults.Conflict("A downgrade is refused", $"Station '{stationId}' is registered for security profile {station.SecurityProfile}; lowering it to {target} needs Csms:Security:AllowProfileDowngrade=true.");
        }

        // A05: profile 3 authenticates the station with its certificate, so it must hold a valid one first.
        if (target == 3 && await upgrade.CertificateProblemAsync(stationId, ct).ConfigureAwait(false) is { } missing)
        {
            return ApiResults.Conflict("The station has no valid ChargingStationCertificate", missing);
        }

        var rootPem = target >= 2 ? root.Pem : null;
        if (target >= 2 && rootPem is null)
        {
            return ApiResults.Conflict("No CSMS root certificate", "The CSMS has no root certificate to install on the station: set Ocpp:Tls:CsmsRootFile to the root that its server certificate chains to.");
        }

        var plan = new SecurityProfileUpgrade.Plan(target, url, slot, rootPem, ocpp.CallTimeoutSeconds);
        return await ApiResults.CallAsync<Results<Ok<ProfileUpgraded>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var outcome = await upgrade.UpgradeAsync(stationId, plan, t).ConfigureAwait(false);
            if (outcome.FailedStep is { } failed)
            {
                var step = outcome.Steps[^1];
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: $"The station did not accept {failed}",
                    detail: $"Station '{stationId}' answered {failed} with {step.Status}{(step.ReasonCode is null ? "" : $" ({step.ReasonCode})")}; "
                        + (outcome.Stored ? $"security profile {target} is stored, and the station uses it when it next connects." : $"the sequence stopped there and the station stays at security profile {station.SecurityProfile}."),
                    extensions: new Dictionary<string, object?> { ["failedStep"] = failed, ["steps"] = outcome.Steps, ["stored"] = outcome.Stored });
            }

            return TypedResults.Ok(new ProfileUpgraded(stationId, target, url, slot, outcome.Steps));
        }, p => p, ct).ConfigureAwait(false);
    }

    /// <summary>This CSMS's OCPP endpoint as a station reaches it (ws or wss, the bound port), or null when it listens on any address.</summary>
    private static string? OwnUrl(OcppEndpointOptions ocpp, Listeners listeners)
    {
        var configured = new Uri(ocpp.Url);
        if (configured.Host is "*" or "+" or "0.0.0.0" or "[::]")
        {
            return null;
        }

        var port = configured.Port == 0 && listeners.OcppEndPoint is { } bound ? bound.Port : configured.Port;
        var scheme = configured.Scheme == "https" ? "wss" : "ws";
        return $"{scheme}://{configured.Host}:{port}{ocpp.PathPrefix.TrimEnd('/')}";
    }

    private static string Reason(StatusInfoType? info) => info is null ? "" : $" ({info.ReasonCode}{(info.AdditionalInfo is null ? "" : ": " + info.AdditionalInfo)})";

    private static async Task<Storage.Entities.StationRecord?> FindAsync(CsmsDatabase database, string stationId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId, ct).ConfigureAwait(false);
    }
}
