namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A station's local authorization list (block D): which tokens it should hold (its membership: token groups and single
/// tokens), the version the station is known to hold, and whether it holds what the CSMS wants (the sync state). The
/// state is the pending work: a Pending list is sent when the station is next connected, after a restart too.
/// </summary>
public sealed class LocalListRecord
{
    public required string StationId { get; set; }

    /// <summary>The groupIdTokens whose tokens the list holds, as a JSON array of strings.</summary>
    public string Groups { get; set; } = "[]";

    /// <summary>Single tokens the list holds, as a JSON array of {"idToken","type"}.</summary>
    public string IdTokens { get; set; } = "[]";

    /// <summary>The version the station holds as far as the CSMS knows (its entries are <see cref="LocalListEntryRecord"/>); null when unknown.</summary>
    public int? Version { get; set; }

    /// <summary>The highest version the CSMS has sent, so that a new one is always higher.</summary>
    public int LastSentVersion { get; set; }

    /// <summary>Whether the next update must be Full (the operator asked, or the station answered VersionMismatch).</summary>
    public bool FullRequested { get; set; }

    /// <summary>Counts the changes of what is wanted, so that an update finished after a newer change leaves the list Pending.</summary>
    public int Generation { get; set; }

    /// <summary>InSync, Pending, Failed or NotSupported.</summary>
    public LocalListState State { get; set; } = LocalListState.Pending;

    /// <summary>Why it is Failed or NotSupported (the station's statusInfo, a CALLERROR); null otherwise.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset StateAt { get; set; }
}

/// <summary>Whether a station holds the list the CSMS wants it to.</summary>
public enum LocalListState
{
    /// <summary>The station holds the wanted list.</summary>
    InSync,

    /// <summary>An update is to be sent (when the station is connected).</summary>
    Pending,

    /// <summary>The station answered Failed or a CALLERROR; retried at the next change or reconnect.</summary>
    Failed,

    /// <summary>The station has no local list (answered NotSupported); tried again only when asked to.</summary>
    NotSupported,
}

/// <summary>An entry a station's local list holds, as the CSMS last sent it: its idTokenInfo as JSON.</summary>
public sealed class LocalListEntryRecord
{
    public long Id { get; set; }

    public required string StationId { get; set; }

    public required string IdToken { get; set; }

    /// <summary>The token's type in its wire spelling.</summary>
    public required string Type { get; set; }

    /// <summary>The idTokenInfo the station holds for it, as sent (JSON).</summary>
    public required string Info { get; set; }
}
