using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>A04 on the station: the security events it tells the CSMS of (SecurityEventNotification), part of block A.</summary>
public sealed class SecurityEvents
{
    private readonly IStationContext _context;

    internal SecurityEvents(IStationContext context) => _context = context;

    /// <summary>Reports a security event of the type Part 2's Security Events appendix names (StartupOfTheDevice, InvalidCsmsCertificate, ...).</summary>
    public void Raise(string type, string? techInfo = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        _context.Enqueue(new SecurityEventNotificationRequest
        {
            Type = type.Length > 50 ? type[..50] : type,
            Timestamp = _context.Now,
            TechInfo = techInfo is { Length: > 255 } ? techInfo[..255] : techInfo,
        });
    }
}
