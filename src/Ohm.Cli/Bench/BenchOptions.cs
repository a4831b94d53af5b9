namespace Ohm.Cli.Bench;

/// <summary>What the load benchmark does.</summary>
public sealed class BenchOptions
{
    public required Uri Url { get; init; }

    /// <summary>Further nodes of the same CSMS (<c>--url</c> repeated): stations are spread round-robin over <see cref="AllUrls"/> and fail over to the next one.</summary>
    public IReadOnlyList<Uri> MoreUrls { get; init; } = [];

    /// <summary><see cref="Url"/> and then <see cref="MoreUrls"/>.</summary>
    public IReadOnlyList<Uri> AllUrls => [Url, .. MoreUrls];

    public int Stations { get; init; } = 100;

    /// <summary>New connections per second.</summary>
    public double Ramp { get; init; } = 500;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public BenchMix Mix { get; init; } = BenchMix.Heartbeat;

    public bool Compression { get; init; } = true;

    public string? Password { get; init; }

    public string IdPrefix { get; init; } = "BENCH";

    public int? ServerPid { get; init; }

    public string? Out { get; init; }

    /// <summary>
    /// How long the mix runs after the ramp before the measured window starts: the server's JIT tiers up and its
    /// caches fill in the first tens of seconds, which is not what a node running for days does.
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;

    /// <summary>Pause between one call's answer and a station's next call; zero sends back to back (closed loop).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.Zero;

    /// <summary>Meter values sent per transaction between Started and Ended.</summary>
    public int UpdatesPerTransaction { get; init; } = 5;

    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Loopback source addresses to spread connections over (127.0.0.2 ...); 0 chooses from the port range.</summary>
    public int SourceAddresses { get; init; }

    /// <summary>Whether to print a progress line every second.</summary>
    public bool Progress { get; init; } = true;

    /// <summary>Checks the values and names the bad option.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var url in AllUrls.Where(u => u.Scheme is not ("ws" or "wss")))
        {
            yield return $"--url must be a ws:// or wss:// URL such as ws://127.0.0.1:9000/ocpp (is '{url}').";
        }

        if (Stations is < 1 or > 1_000_000)
        {
            yield return $"--stations must be between 1 and 1000000 (is {Stations}).";
        }

        if (Ramp <= 0)
        {
            yield return $"--ramp must be positive (is {Ramp}).";
        }

        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromHours(24))
        {
            yield return $"--duration must be between 1 s and 24 h (is {Duration}).";
        }

        if (IdPrefix.Length is 0 or > 40)
        {
            yield return "--id-prefix must be 1 to 40 characters long.";
        }
    }
}

/// <summary>The traffic each station sends once booted.</summary>
public enum BenchMix
{
    /// <summary>Nothing after the boot: measures idle connections.</summary>
    Idle,

    /// <summary>Heartbeats only.</summary>
    Heartbeat,

    /// <summary>Full transactions: Authorize, TransactionEvent Started, Updated with 10 sampled values, Ended.</summary>
    Transactions,

    /// <summary>Transactions on some stations, heartbeats and StatusNotifications on the others.</summary>
    Mixed,
}
