using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>Where and how the station connects: one of the NetworkConnectionProfiles, with its security profile.</summary>
/// <param name="Endpoint">The CSMS endpoint without the identity (ws:// or wss://).</param>
/// <param name="SecurityProfile">The security profile of the connection (1: Basic auth, 2: TLS and Basic auth, 3: TLS with a client certificate).</param>
/// <param name="Password">The Basic-auth password (profiles 1 and 2), or null.</param>
/// <param name="Slot">The configurationSlot of the profile (0 for the one the station was started with).</param>
public sealed record ConnectionTarget(Uri Endpoint, int SecurityProfile, string? Password, int Slot);

/// <summary>
/// B09/B10 and A05 on the station: the network connection profiles, in NetworkConfigurationPriority order, and which
/// one the next connection uses. Until the CSMS sets profiles, the station connects as it was started.
/// </summary>
public sealed class NetworkProfiles
{
    private readonly IStationContext _context;
    private readonly StationOptions _options;

    internal NetworkProfiles(IStationContext context, StationOptions options)
    {
        _context = context;
        _options = options;
    }

    /// <summary>The profile the next connection attempt uses.</summary>
    public ConnectionTarget Current()
    {
        var password = _context.Model.Value("SecurityCtrlr", "BasicAuthPassword") is { Length: > 0 } set ? set : _options.Password;
        var profile = _options.Endpoint.Scheme is "wss" or "https" ? 2 : password is null ? 0 : 1;
        return new ConnectionTarget(_options.Endpoint, profile, password, 0);
    }

    /// <summary>The connection with <paramref name="target"/> was opened.</summary>
    internal void Connected(ConnectionTarget target) => _context.Report($"connected with network profile slot {target.Slot} (security profile {target.SecurityProfile})");

    /// <summary>A connection attempt with <paramref name="target"/> failed.</summary>
    internal void Failed(ConnectionTarget target, Exception error) => _context.Report($"network profile slot {target.Slot} failed: {error.Message}");
}
