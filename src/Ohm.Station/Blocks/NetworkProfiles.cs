using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>Where and how the station connects: one of the NetworkConnectionProfiles, with its security profile.</summary>
/// <param name="Endpoint">The CSMS endpoint without the identity (ws:// or wss://).</param>
/// <param name="SecurityProfile">The security profile of the connection (1: Basic auth, 2: TLS and Basic auth, 3: TLS with a client certificate).</param>
/// <param name="Password">The Basic-auth password (profiles 1 and 2), or null.</param>
/// <param name="Slot">The configurationSlot of the profile (0 for the one the station was started with).</param>
public sealed record ConnectionTarget(Uri Endpoint, int SecurityProfile, string? Password, int Slot);

/// <summary>
/// B09/B10 and A05 on the station: the network connection profiles the CSMS set (SetNetworkProfile, one per
/// configurationSlot, kept in the store), the order NetworkConfigurationPriority gives them, and which one the next
/// connection uses. Until the CSMS sets profiles, the station connects as it was started (slot 0). A profile is tried
/// NetworkProfileConnectionAttempts times, then the next one in the priority list (B10); a profile of a lower security
/// profile than SecurityCtrlr.SecurityProfile is refused (A05), and SecurityCtrlr.SecurityProfile rises to a profile's
/// value only once a connection with it worked.
/// </summary>
public sealed class NetworkProfiles
{
    private const string RecordPrefix = "network-profile:";
    private const string Comm = "OCPPCommCtrlr";
    private const string PriorityVariable = "NetworkConfigurationPriority";
    private readonly IStationContext _context;
    private readonly StationOptions _options;
    private readonly SecurityEvents _events;
    private readonly Lock _lock = new();
    private int? _slot;
    private int _failures;

    internal NetworkProfiles(IStationContext context, StationOptions options, SecurityEvents events)
    {
        _context = context;
        _options = options;
        _events = events;
    }

    /// <summary>
    /// A05: what a profile of <c>securityProfile</c> 2 or 3 lacks of the certificates it needs (the CSMS root; for 3 also
    /// a ChargingStationCertificate), or null when nothing lacks. Block A's certificate store answers it; until it is
    /// wired, no certificates are known, so profiles 2 and 3 are refused.
    /// </summary>
    internal Func<int, string?> MissingCertificates { get; set; } = NoCertificateStore;

    /// <summary>The SecurityCtrlr.SecurityProfile the station runs at (the highest one it connected with).</summary>
    public int SecurityProfile => _context.Model.Number("SecurityCtrlr", "SecurityProfile", 0);

    /// <summary>The profile the CSMS set in <paramref name="slot"/>, or null.</summary>
    public NetworkConnectionProfileType? Profile(int slot) =>
        _context.Store.GetRecord(RecordPrefix + slot.ToString(CultureInfo.InvariantCulture)) is { } json
            ? JsonSerializer.Deserialize(json, OcppJsonContext.Default.SetNetworkProfileRequest)?.ConnectionData
            : null;

    /// <summary>The profile the next connection attempt uses.</summary>
    public ConnectionTarget Current()
    {
        lock (_lock)
        {
            var candidates = Candidates();
            var current = candidates.FirstOrDefault(c => c.Slot == _slot);
            if (current is null)
            {
                current = candidates[0];
                _slot = current.Slot;
                _failures = 0;
            }

            return current;
        }
    }

    /// <summary>B09: SetNetworkProfile: checks the profile (slot, URL, security profile, certificates) and stores it in its slot.</summary>
    internal ValueTask<SetNetworkProfileResponse> SetNetworkProfile(SetNetworkProfileRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var problem = Check(request);
        if (problem is not null)
        {
            _context.Report($"SetNetworkProfile slot {request.ConfigurationSlot} rejected: {problem.AdditionalInfo}");
            return ValueTask.FromResult(new SetNetworkProfileResponse { Status = SetNetworkProfileStatusEnumType.Rejected, StatusInfo = problem });
        }

        lock (_lock)
        {
            _context.Store.SetRecord(RecordPrefix + request.ConfigurationSlot.ToString(CultureInfo.InvariantCulture), JsonSerializer.Serialize(request, OcppJsonContext.Default.SetNetworkProfileRequest));
            if (_slot == request.ConfigurationSlot)
            {
                _failures = 0; // a changed profile gets its attempts afresh
            }
        }

        var data = request.ConnectionData;
        _events.Raise(SecurityEventTypes.ReconfigurationOfSecurityParameters, string.Create(CultureInfo.InvariantCulture, $"network profile slot {request.ConfigurationSlot} set: {data.OcppCsmsUrl}, security profile {data.SecurityProfile}"));
        return ValueTask.FromResult(new SetNetworkProfileResponse { Status = SetNetworkProfileStatusEnumType.Accepted });
    }

    /// <summary>B10: checks a new NetworkConfigurationPriority: every slot must hold a profile (slot 0 holds the start profile); null when it is acceptable.</summary>
    internal string? CheckPriority(string value)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var slot))
            {
                return $"'{item}' is not a configurationSlot";
            }

            if (slot != 0 && Profile(slot) is null)
            {
                return $"configurationSlot {slot} holds no network connection profile";
            }
        }

        return null;
    }

    /// <summary>B10: NetworkConfigurationPriority changed: the next connection starts with the first profile of the new order.</summary>
    internal void PriorityChanged()
    {
        lock (_lock)
        {
            _slot = null;
            _failures = 0;
        }
    }

    /// <summary>The connection with <paramref name="target"/> was opened: A05, a higher security profile is now the station's.</summary>
    internal void Connected(ConnectionTarget target)
    {
        lock (_lock)
        {
            _slot = target.Slot;
            _failures = 0;
        }

        _context.Report($"connected with network profile slot {target.Slot} (security profile {target.SecurityProfile})");
        if (target.SecurityProfile > SecurityProfile)
        {
            var before = SecurityProfile;
            _context.Model.SetInternal(new ComponentKey("SecurityCtrlr"), "SecurityProfile", target.SecurityProfile.ToString(CultureInfo.InvariantCulture), persist: true);
            _events.Raise(SecurityEventTypes.ReconfigurationOfSecurityParameters, string.Create(CultureInfo.InvariantCulture, $"security profile {before} -> {target.SecurityProfile} (network profile slot {target.Slot})"));
        }
    }

    /// <summary>A connection attempt with <paramref name="target"/> failed: B10, after NetworkProfileConnectionAttempts the next profile is tried.</summary>
    internal void Failed(ConnectionTarget target, Exception error)
    {
        var attempts = Math.Max(1, _context.Model.Number(Comm, "NetworkProfileConnectionAttempts", 3));
        string? next = null;
        lock (_lock)
        {
            if (_slot != target.Slot)
            {
                return;
            }

            if (++_failures >= attempts)
            {
                var candidates = Candidates();
                var at = candidates.FindIndex(c => c.Slot == target.Slot);
                var following = candidates[(at + 1) % candidates.Count];
                _slot = following.Slot;
                _failures = 0;
                if (following.Slot != target.Slot)
                {
                    next = following.Slot.ToString(CultureInfo.InvariantCulture);
                }
            }
        }

        _context.Report($"network profile slot {target.Slot} failed: {error.Message}" + (next is null ? "" : $"; next: slot {next}"));
    }

    /// <summary>The profiles in NetworkConfigurationPriority order, those below the station's security profile left out (A05); never empty.</summary>
    private List<ConnectionTarget> Candidates()
    {
        var all = new List<ConnectionTarget>();
        foreach (var item in _context.Model.List(Comm, PriorityVariable))
        {
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var slot) || all.Any(t => t.Slot == slot))
            {
                continue;
            }

            if (Profile(slot) is { } profile && Uri.TryCreate(profile.OcppCsmsUrl, UriKind.Absolute, out var url))
            {
                all.Add(new ConnectionTarget(url, profile.SecurityProfile, Password(), slot));
            }
            else if (slot == 0)
            {
                all.Add(StartProfile());
            }
        }

        var floor = SecurityProfile;
        var allowed = all.Where(t => t.SecurityProfile >= floor).ToList();
        return allowed.Count > 0 ? allowed : all.Count > 0 ? all : [StartProfile()];
    }

    /// <summary>Slot 0 until the CSMS sets one there: the endpoint and password the station was started with.</summary>
    private ConnectionTarget StartProfile()
    {
        var password = Password();
        var profile = _options.Endpoint.Scheme is "wss" or "https" ? 2 : password is null ? 0 : 1;
        return new ConnectionTarget(_options.Endpoint, profile, password, 0);
    }

    /// <summary>A01: the BasicAuthPassword the CSMS set, else the one the station was started with.</summary>
    private string? Password() => _context.Model.Value("SecurityCtrlr", "BasicAuthPassword") is { Length: > 0 } set ? set : _options.Password;

    /// <summary>B09/A05: why a SetNetworkProfile is rejected, or null.</summary>
    private StatusInfoType? Check(SetNetworkProfileRequest request)
    {
        var data = request.ConnectionData;
        var slots = _context.Model.Find(new ComponentKey(Comm), PriorityVariable)?.ValuesList ?? "0";
        var allowed = slots.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!allowed.Contains(request.ConfigurationSlot.ToString(CultureInfo.InvariantCulture)))
        {
            return Rejected("InvalidConfSlot", $"configurationSlot must be one of {slots}");
        }

        if (data.OcppVersion != OCPPVersionEnumType.OCPP20 || data.OcppTransport != OCPPTransportEnumType.JSON)
        {
            return Rejected("UnsupportedParam", "the station speaks OCPP 2.0.1 over JSON (ocppVersion OCPP20, ocppTransport JSON)");
        }

        if (data.SecurityProfile is < 1 or > 3)
        {
            return Rejected("InvalidValue", "securityProfile must be 1, 2 or 3");
        }

        if (!Uri.TryCreate(data.OcppCsmsUrl, UriKind.Absolute, out var url) || url.Scheme is not ("ws" or "wss") || string.IsNullOrEmpty(url.Host)
            || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            return Rejected("InvalidURL", "ocppCsmsUrl must be an absolute ws:// or wss:// URL without query or fragment");
        }

        if ((data.SecurityProfile == 1) != (url.Scheme == "ws"))
        {
            return Rejected("InvalidURL", data.SecurityProfile == 1 ? "security profile 1 connects with ws://" : "security profiles 2 and 3 connect with wss://");
        }

        if (data.MessageTimeout <= 0)
        {
            return Rejected("InvalidValue", "messageTimeout must be positive");
        }

        if (data.SecurityProfile < SecurityProfile)
        {
            return Rejected("NoSecurityDowngrade", string.Create(CultureInfo.InvariantCulture, $"securityProfile {data.SecurityProfile} is below the station's security profile {SecurityProfile}"));
        }

        if (data.SecurityProfile <= 2 && Password() is null)
        {
            return Rejected("MissingParam", "security profiles 1 and 2 need a BasicAuthPassword");
        }

        return MissingCertificates(data.SecurityProfile) is { } missing ? Rejected("NoCertificate", missing) : null;
    }

    private static StatusInfoType Rejected(string reason, string info) => new() { ReasonCode = reason, AdditionalInfo = info };

    private static string? NoCertificateStore(int securityProfile) =>
        securityProfile >= 2 ? "no certificate store is wired to check for the CSMS root and station certificate" : null;
}
