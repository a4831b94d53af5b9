using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// A05 Upgrade Charging Station Security Profile (block A): the CSMS root certificate installed, a network connection
/// profile with the new security profile set in a slot, that slot made the first in NetworkConfigurationPriority, the
/// new profile stored as the station's minimum (so that StationAdmission refuses a connection below it), and the
/// station reset to connect with it. A step the station does not accept stops the sequence. Profile 3 needs the
/// station to hold a valid ChargingStationCertificate first (<see cref="CertificateProblemAsync"/>).
/// </summary>
public sealed class SecurityProfileUpgrade(
    IStationCallRouter router, Provisioning provisioning, CsmsWriter writer, CsmsDatabase database, TimeProvider time, ILogger<SecurityProfileUpgrade> logger)
{
    /// <summary>The steps' names, as the answer gives them.</summary>
    public const string InstallRootStep = "InstallCertificate", NetworkProfileStep = "SetNetworkProfile", PriorityStep = "SetVariables", ResetStep = "Reset";

    /// <summary>
    /// What to upgrade to: the profile, the CSMS URL (without the station identity) and the slot to put it in, the CSMS
    /// root certificate (PEM; not installed when null) and the messageTimeout of the new connection profile.
    /// </summary>
    public sealed record Plan(int SecurityProfile, string CsmsUrl, int ConfigurationSlot, string? CsmsRootPem, int MessageTimeoutSeconds);

    /// <summary>One step and the station's answer.</summary>
    public sealed record StepResult(string Name, string Status, string? ReasonCode, string? AdditionalInfo);

    /// <summary>The steps run, the first one the station did not accept (null when all were), and whether the new profile was stored.</summary>
    public sealed record Outcome(IReadOnlyList<StepResult> Steps, string? FailedStep, bool Stored);

    /// <summary>
    /// A05 precondition for profile 3 (A05.FR.03 has the station refuse the network profile otherwise): the station
    /// holds a ChargingStationCertificate the CSMS issued, that it accepted in CertificateSigned, that is valid now by
    /// the CSMS's clock and not revoked. Null when it does; otherwise what is missing, for the operator.
    /// </summary>
    public async Task<string?> CertificateProblemAsync(string stationId, CancellationToken cancellationToken)
    {
        var type = CertificateSigningUseEnumType.ChargingStationCertificate.ToWire();
        var accepted = CertificateSignedStatusEnumType.Accepted.ToWire();
        List<IssuedCertificateRecord> issued;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            issued = await db.IssuedCertificates.AsNoTracking().Where(c => c.StationId == stationId && c.CertificateType == type).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var held = issued.Where(c => c.SignedResult == accepted).ToList();
        if (held.Any(c => c.RevokedAt is null && c.NotBefore <= now && now < c.NotAfter))
        {
            return null;
        }

        var why = issued.Count == 0 ? "the CSMS has issued it no ChargingStationCertificate"
            : held.Count == 0 ? $"it accepted none of the {issued.Count} ChargingStationCertificate(s) the CSMS issued it"
            : held.All(c => c.RevokedAt is not null) ? "every ChargingStationCertificate it holds is revoked"
            : held.Where(c => c.RevokedAt is null).All(c => c.NotAfter <= now) ? $"its ChargingStationCertificate expired at {held.Where(c => c.RevokedAt is null).Max(c => c.NotAfter):u}"
            : "its ChargingStationCertificate is not valid yet";
        return $"Security profile 3 needs station '{stationId}' to hold a valid ChargingStationCertificate issued by this CSMS, and {why}. "
            + $"Trigger a renewal (POST /api/stations/{stationId}/certificates/renew) and upgrade once the station has accepted the new certificate.";
    }

    // A05: InstallCertificate CSMSRootCertificate, SetNetworkProfile, SetVariables NetworkConfigurationPriority, store, Reset OnIdle.
    public async Task<Outcome> UpgradeAsync(string stationId, Plan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var steps = new List<StepResult>();
        Outcome Stop(string step) => new(steps, step, false);

        if (plan.CsmsRootPem is { } root)
        {
            var installed = await router.CallAsync(stationId, new InstallCertificateRequest { CertificateType = InstallCertificateUseEnumType.CSMSRootCertificate, Certificate = root }, cancellationToken).ConfigureAwait(false);
            steps.Add(new StepResult(InstallRootStep, installed.Status.ToWire(), installed.StatusInfo?.ReasonCode, installed.StatusInfo?.AdditionalInfo));
            if (installed.Status != InstallCertificateStatusEnumType.Accepted)
            {
                return Stop(InstallRootStep);
            }
        }

        var profile = await router.CallAsync(stationId, new SetNetworkProfileRequest
        {
            ConfigurationSlot = plan.ConfigurationSlot,
            ConnectionData = new NetworkConnectionProfileType
            {
                OcppVersion = OCPPVersionEnumType.OCPP20,
                OcppTransport = OCPPTransportEnumType.JSON,
                OcppCsmsUrl = plan.CsmsUrl,
                MessageTimeout = plan.MessageTimeoutSeconds,
                SecurityProfile = plan.SecurityProfile,
                OcppInterface = OCPPInterfaceEnumType.Wired0,
            },
        }, cancellationToken).ConfigureAwait(false);
        steps.Add(new StepResult(NetworkProfileStep, profile.Status.ToWire(), profile.StatusInfo?.ReasonCode, profile.StatusInfo?.AdditionalInfo));
        if (profile.Status != SetNetworkProfileStatusEnumType.Accepted)
        {
            return Stop(NetworkProfileStep);
        }

        var priority = Prioritized(plan.ConfigurationSlot, await CurrentPriorityAsync(stationId, cancellationToken).ConfigureAwait(false));
        var set = await provisioning.SetVariablesAsync(stationId, [PriorityVariable(priority)], cancellationToken).ConfigureAwait(false);
        var result = set.SetVariableResult.FirstOrDefault();
        var status = result?.AttributeStatus ?? SetVariableStatusEnumType.Rejected;
        steps.Add(new StepResult(PriorityStep, status.ToWire(), result?.AttributeStatusInfo?.ReasonCode, result?.AttributeStatusInfo?.AdditionalInfo ?? $"NetworkConfigurationPriority {priority}"));
        if (status is not (SetVariableStatusEnumType.Accepted or SetVariableStatusEnumType.RebootRequired))
        {
            return Stop(PriorityStep);
        }

        // From here the station connects with the new profile whenever it connects again, so the registration requires
        // it before the reset is even sent: a station that restarts at once must not find the old minimum.
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var station = await db.Stations.FindAsync([stationId]).ConfigureAwait(false);
            if (station is not null)
            {
                station.SecurityProfile = plan.SecurityProfile;
            }
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("Station {StationId} now needs security profile {Profile} (A05, slot {Slot} at {Url})", stationId, plan.SecurityProfile, plan.ConfigurationSlot, plan.CsmsUrl);

        var reset = await router.CallAsync(stationId, new ResetRequest { Type = ResetEnumType.OnIdle }, cancellationToken).ConfigureAwait(false);
        steps.Add(new StepResult(ResetStep, reset.Status.ToWire(), reset.StatusInfo?.ReasonCode, reset.StatusInfo?.AdditionalInfo));
        return new Outcome(steps, reset.Status == ResetStatusEnumType.Rejected ? ResetStep : null, true);
    }

    /// <summary>The new slot first, then the others of <paramref name="current"/> in their order.</summary>
    public static string Prioritized(int slot, string? current)
    {
        var first = slot.ToString(CultureInfo.InvariantCulture);
        var others = (current ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(s => s != first);
        return string.Join(',', others.Prepend(first));
    }

    private async Task<string?> CurrentPriorityAsync(string stationId, CancellationToken cancellationToken)
    {
        var got = await router.CallAsync(stationId, new GetVariablesRequest
        {
            GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "NetworkConfigurationPriority" } }],
        }, cancellationToken).ConfigureAwait(false);
        return got.GetVariableResult.FirstOrDefault() is { AttributeStatus: GetVariableStatusEnumType.Accepted } result ? result.AttributeValue : null;
    }

    private static SetVariableDataType PriorityVariable(string priority) => new()
    {
        Component = new ComponentType { Name = "OCPPCommCtrlr" },
        Variable = new VariableType { Name = "NetworkConfigurationPriority" },
        AttributeValue = priority,
    };
}
