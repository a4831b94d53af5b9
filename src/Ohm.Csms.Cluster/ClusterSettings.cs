using System.Net;

namespace Ohm.Csms.Cluster;

/// <summary>Cluster mode (section <c>Cluster</c> of the configuration; <c>ohm csms --cluster</c> sets Enabled).</summary>
public sealed class ClusterSettings
{
    /// <summary>Whether this process joins an Orleans cluster. Default false: one node, no Orleans at all.</summary>
    public bool Enabled { get; set; }

    /// <summary>The cluster's id: the nodes with the same id (and database) form one cluster. Default <c>ohm</c>.</summary>
    public string ClusterId { get; set; } = "ohm";

    /// <summary>The service's id, stable across deployments of the cluster. Default <c>ohm</c>.</summary>
    public string ServiceId { get; set; } = "ohm";

    /// <summary>The port the nodes talk to each other on. Default 11111.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port Orleans clients connect to. Default 30000.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address the other nodes reach this one at (an IP address). Default 127.0.0.1.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How often, in seconds, a node stores when its stations last sent a message, which the other nodes show as their
    /// "last seen". Default 30; 1 to 3600.
    /// </summary>
    public int LastSeenSeconds { get; set; } = 30;

    /// <summary>What is wrong with the settings, each message naming its setting; nothing when cluster mode is off.</summary>
    /// <param name="database">Storage:Database as given (null or empty: SQLite in the data folder).</param>
    public IEnumerable<string> Validate(string? database)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (database is not { Length: > 0 } || !database.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            yield return "Cluster:Enabled (--cluster) needs PostgreSQL: set Storage:Database (--db) to a PostgreSQL connection string (Host=...); the nodes of a cluster share it, and SQLite cannot be shared.";
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return "Cluster:ClusterId must not be empty.";
        }
        else if (ClusterId.Length > 150)
        {
            yield return "Cluster:ClusterId must hold at most 150 characters.";
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return "Cluster:ServiceId must not be empty.";
        }

        if (SiloPort is < 1 or > 65535)
        {
            yield return $"Cluster:SiloPort must be between 1 and 65535, not {SiloPort}.";
        }

        if (GatewayPort is < 1 or > 65535)
        {
            yield return $"Cluster:GatewayPort must be between 1 and 65535, not {GatewayPort}.";
        }
        else if (GatewayPort == SiloPort)
        {
            yield return $"Cluster:GatewayPort must differ from Cluster:SiloPort ({SiloPort}).";
        }

        if (LastSeenSeconds is < 1 or > 3600)
        {
            yield return $"Cluster:LastSeenSeconds must be between 1 and 3600, not {LastSeenSeconds}.";
        }

        if (!IPAddress.TryParse(AdvertisedAddress, out _))
        {
            yield return $"Cluster:AdvertisedAddress must be an IP address (the other nodes reach this one there), not '{AdvertisedAddress}'.";
        }
    }
}
