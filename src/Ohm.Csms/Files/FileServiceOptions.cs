namespace Ohm.Csms.Files;

/// <summary>Settings of the file service (section <c>Csms:Files</c> of the configuration).</summary>
public sealed class FileServiceOptions
{
    /// <summary>The largest upload accepted, in bytes (a station's log, a firmware given through the API). Default 256 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Minutes an upload URL (a GetLog's remoteLocation) stays valid, beyond the station's retries. Default 60.</summary>
    public int UploadTokenMinutes { get; set; } = 60;

    /// <summary>Minutes a download URL (an UpdateFirmware's location) stays valid, beyond its retrieveDateTime and retries. Default 1440 (a day).</summary>
    public int DownloadTokenMinutes { get; set; } = 1440;

    /// <summary>
    /// The base address stations reach the file service at, such as https://csms.example.com:9000 (behind a proxy, say).
    /// Unset: the OCPP listener's own address (its scheme, so https when the CSMS runs TLS; its host, or the machine's
    /// name when it listens on every address; its port).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>Checks the values and names the first bad setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxUploadBytes < 1)
        {
            yield return $"Csms:Files:MaxUploadBytes must be at least 1 (is {MaxUploadBytes}).";
        }

        if (UploadTokenMinutes is < 1 or > 10080)
        {
            yield return $"Csms:Files:UploadTokenMinutes must be between 1 and 10080 (is {UploadTokenMinutes}).";
        }

        if (DownloadTokenMinutes is < 1 or > 43200)
        {
            yield return $"Csms:Files:DownloadTokenMinutes must be between 1 and 43200 (is {DownloadTokenMinutes}).";
        }

        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return $"Csms:Files:PublicUrl must be an http:// or https:// URL (is '{PublicUrl}').";
        }
    }
}
