using System.Collections.Frozen;

namespace Ohm.Csms.Sessions;

/// <summary>
/// The security-event types the CSMS knows: those of OCPP 2.0.1 Part 2 Appendices (Security Events), with the ones
/// the appendix marks critical, and the CSMS's own. A type outside this list is stored as it came, never critical,
/// and counted in the metrics as <see cref="Other"/> so that a station cannot create metric series at will.
/// </summary>
public static class SecurityEventTypes
{
    /// <summary>The metrics' <c>type</c> tag of a type this list does not know.</summary>
    public const string Other = "other";

    /// <summary>The types Part 2's appendix marks critical (a station pushes them to the CSMS at once).</summary>
    public static readonly FrozenSet<string> Critical = FrozenSet.Create(
        StringComparer.Ordinal,
        "FirmwareUpdated",
        "SettingSystemTime",
        "StartupOfTheDevice",
        "ResetOrReboot",
        "SecurityLogWasCleared",
        "MemoryExhaustion",
        "TamperDetectionActivated",
        "InvalidFirmwareSignature",
        "InvalidFirmwareSigningCertificate",
        "InvalidCsmsCertificate",
        "InvalidChargingStationCertificate",
        "InvalidTLSVersion",
        "InvalidTLSCipherSuite",
        "MaintenanceLoginAccepted",
        "MaintenanceLoginFailed");

    /// <summary>The appendix's types that are not critical.</summary>
    public static readonly FrozenSet<string> NotCritical = FrozenSet.Create(
        StringComparer.Ordinal,
        "FailedToAuthenticateAtCsms",
        "CsmsFailedToAuthenticate",
        "CSRGenerationFailed",
        "ReconfigurationOfSecurityParameters",
        "InvalidMessages",
        "AttemptedReplayAttacks");

    /// <summary>
    /// The CSMS's own types beyond the appendix's (refusals it decides itself); never critical. Blocks that record new
    /// ones add them here.
    /// </summary>
    public static readonly FrozenSet<string> CsmsOwn = FrozenSet.Create(
        StringComparer.Ordinal,
        SecurityEventLog.OverflowType,
        FailedHandshakes.RateLimitedType);

    /// <summary>Whether events of <paramref name="type"/> are critical.</summary>
    public static bool IsCritical(string type) => Critical.Contains(type);

    /// <summary>The metrics' <c>type</c> tag of <paramref name="type"/>: itself when known, <see cref="Other"/> otherwise.</summary>
    public static string MetricTag(string type) =>
        Critical.Contains(type) || NotCritical.Contains(type) || CsmsOwn.Contains(type) ? type : Other;
}
