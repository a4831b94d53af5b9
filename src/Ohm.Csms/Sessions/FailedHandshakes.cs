using System.Net;
using System.Threading.RateLimiting;

namespace Ohm.Csms.Sessions;

/// <summary>
/// Limits failed handshakes (refused credentials) per remote address and per claimed station identity. Each failure
/// takes a permit from both the address's and the station's fixed one-minute window; once either has none left, the
/// handshake is answered 429 with Retry-After before any credential is checked, so a password guesser costs no hashing.
/// </summary>
/// <remarks>
/// The windows run on the system clock (System.Threading.RateLimiting has no TimeProvider); the injected clock is not
/// used here. Partitions idle for a window are dropped by the limiter, so many addresses cost memory only while active.
/// </remarks>
public sealed class FailedHandshakes : IAsyncDisposable
{
    /// <summary>Security-event type of a handshake refused because of the limit (no Part 2 name fits).</summary>
    public const string RateLimitedType = "FailedHandshakesRateLimited";

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perStation;

    /// <summary>Allows <paramref name="perAddressPerMinute"/> failures per address and <paramref name="perStationPerMinute"/> per station identity.</summary>
    public FailedHandshakes(int perAddressPerMinute, int perStationPerMinute)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perAddressPerMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perStationPerMinute, 1);
        PerAddressPerMinute = perAddressPerMinute;
        PerStationPerMinute = perStationPerMinute;
        _perAddress = Create(perAddressPerMinute);
        _perStation = Create(perStationPerMinute);
    }

    public int PerAddressPerMinute { get; }

    public int PerStationPerMinute { get; }

    /// <summary>When the address or the station has used up its failures: how long until it may try again; else null.</summary>
    public TimeSpan? RetryAfter(string stationId, IPAddress? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(stationId);
        var byAddress = Check(_perAddress, AddressKey(remoteAddress));
        var byStation = Check(_perStation, stationId);
        return byAddress is null ? byStation : byStation is null ? byAddress : (byAddress > byStation ? byAddress : byStation);
    }

    /// <summary>Counts a failed handshake against the address and the station.</summary>
    public void Fail(string stationId, IPAddress? remoteAddress)
    {
        ArgumentNullException.ThrowIfNull(stationId);
        _perAddress.AttemptAcquire(AddressKey(remoteAddress)).Dispose();
        _perStation.AttemptAcquire(stationId).Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _perAddress.DisposeAsync().ConfigureAwait(false);
        await _perStation.DisposeAsync().ConfigureAwait(false);
    }

    private static PartitionedRateLimiter<string> Create(int perMinute) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }), StringComparer.Ordinal);

    private static TimeSpan? Check(PartitionedRateLimiter<string> limiter, string key)
    {
        // Asking for no permit succeeds while the window has some left, and takes nothing.
        using var lease = limiter.AttemptAcquire(key, 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : Window;
    }

    // An IPv6 host usually holds a whole /64, so the /64 is the partition.
    private static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
