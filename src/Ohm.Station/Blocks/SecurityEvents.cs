using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// A04 on the station: the security events it tells the CSMS of (SecurityEventNotification), part of block A. Every
/// event is queued and sent in order once the CSMS accepted the station; a critical one (Part 2's Security Events
/// appendix) is kept while the station is offline whatever QueueAllMessages says, a non-critical one only when
/// QueueAllMessages is true (see <see cref="ChargingStation"/>'s queue).
/// </summary>
public sealed class SecurityEvents
{
    /// <summary>The types the Security Events appendix marks critical.</summary>
    private static readonly HashSet<string> Critical = new(StringComparer.Ordinal)
    {
        SecurityEventTypes.FirmwareUpdated,
        SecurityEventTypes.SettingSystemTime,
        SecurityEventTypes.StartupOfTheDevice,
        SecurityEventTypes.ResetOrReboot,
        SecurityEventTypes.SecurityLogWasCleared,
        SecurityEventTypes.MemoryExhaustion,
        SecurityEventTypes.TamperDetectionActivated,
        SecurityEventTypes.InvalidFirmwareSignature,
        SecurityEventTypes.InvalidFirmwareSigningCertificate,
        SecurityEventTypes.InvalidCsmsCertificate,
        SecurityEventTypes.InvalidChargingStationCertificate,
        SecurityEventTypes.InvalidTlsVersion,
        SecurityEventTypes.InvalidTlsCipherSuite,
    };

    private readonly IStationContext _context;

    internal SecurityEvents(IStationContext context) => _context = context;

    /// <summary>Raised with each security event the station reports (the simulator's console, tests).</summary>
    public event Action<SecurityEventNotificationRequest>? Raised;

    /// <summary>Whether the Security Events appendix marks <paramref name="type"/> critical (such events are never dropped offline).</summary>
    public static bool IsCritical(string type) => Critical.Contains(type);

    /// <summary>Reports a security event of the type Part 2's Security Events appendix names (<see cref="SecurityEventTypes"/>).</summary>
    public void Raise(string type, string? techInfo = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var notification = new SecurityEventNotificationRequest
        {
            Type = type.Length > 50 ? type[..50] : type,
            Timestamp = _context.Now,
            TechInfo = techInfo is { Length: > 255 } ? techInfo[..255] : techInfo,
        };
        _context.Report($"security event {notification.Type}" + (notification.TechInfo is null ? "" : ": " + notification.TechInfo));
        _context.Enqueue(notification);
        Raised?.Invoke(notification);
    }
}

/// <summary>The security event types of Part 2's Security Events appendix that a charging station reports.</summary>
public static class SecurityEventTypes
{
    /// <summary>The firmware was updated (critical).</summary>
    public const string FirmwareUpdated = "FirmwareUpdated";

    /// <summary>The station failed to authenticate at the CSMS.</summary>
    public const string FailedToAuthenticateAtCsms = "FailedToAuthenticateAtCsms";

    /// <summary>The CSMS failed to authenticate at the station.</summary>
    public const string CsmsFailedToAuthenticate = "CsmsFailedToAuthenticate";

    /// <summary>The system time was set (critical).</summary>
    public const string SettingSystemTime = "SettingSystemTime";

    /// <summary>The station started (critical).</summary>
    public const string StartupOfTheDevice = "StartupOfTheDevice";

    /// <summary>The station was reset or rebooted (critical).</summary>
    public const string ResetOrReboot = "ResetOrReboot";

    /// <summary>The security log was cleared (critical).</summary>
    public const string SecurityLogWasCleared = "SecurityLogWasCleared";

    /// <summary>A security parameter changed (security profile, password, network profiles).</summary>
    public const string ReconfigurationOfSecurityParameters = "ReconfigurationOfSecurityParameters";

    /// <summary>The memory is exhausted (critical).</summary>
    public const string MemoryExhaustion = "MemoryExhaustion";

    /// <summary>Invalid messages were received.</summary>
    public const string InvalidMessages = "InvalidMessages";

    /// <summary>A replay attack was attempted.</summary>
    public const string AttemptedReplayAttacks = "AttemptedReplayAttacks";

    /// <summary>Tamper detection was activated (critical).</summary>
    public const string TamperDetectionActivated = "TamperDetectionActivated";

    /// <summary>The firmware signature is invalid (critical).</summary>
    public const string InvalidFirmwareSignature = "InvalidFirmwareSignature";

    /// <summary>The firmware signing certificate is invalid (critical).</summary>
    public const string InvalidFirmwareSigningCertificate = "InvalidFirmwareSigningCertificate";

    /// <summary>The CSMS's TLS certificate is invalid (critical).</summary>
    public const string InvalidCsmsCertificate = "InvalidCsmsCertificate";

    /// <summary>A charging station certificate received is invalid (critical).</summary>
    public const string InvalidChargingStationCertificate = "InvalidChargingStationCertificate";

    /// <summary>The CSMS offered a TLS version the station refuses (critical).</summary>
    public const string InvalidTlsVersion = "InvalidTLSVersion";

    /// <summary>The CSMS offered only cipher suites the station refuses (critical).</summary>
    public const string InvalidTlsCipherSuite = "InvalidTLSCipherSuite";
}
