namespace Ohm.Csms.Storage.Entities;

/// <summary>
/// A file of the file service (<see cref="Files.FileService"/>): a firmware image, a log a station uploaded, or any file
/// given through the API. Its bytes live in the <see cref="Files.IFileStore"/> under <see cref="StoreKey"/>.
/// </summary>
public sealed class StoredFileRecord
{
    public long Id { get; set; }

    /// <summary>The file's name, as given by the uploader (or chosen by the CSMS); never a path.</summary>
    public required string Name { get; set; }

    /// <summary>What the file is: Log, Firmware or Upload (given through the API for any other use).</summary>
    public required string Kind { get; set; }

    /// <summary>The media type given with it; application/octet-stream when none was.</summary>
    public required string ContentType { get; set; }

    public long Length { get; set; }

    /// <summary>SHA-256 of the content, lower-case hex.</summary>
    public required string Sha256 { get; set; }

    /// <summary>Where the store keeps the bytes (a relative name for the data-folder store).</summary>
    public required string StoreKey { get; set; }

    /// <summary>The station that uploaded it, for a station's upload.</summary>
    public string? StationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A transfer URL's token: single-use (a completed transfer uses it up), expiring, stored so that every node of a
/// cluster honours it. Only the SHA-256 of the token is kept; the token itself is in the URL alone.
/// </summary>
public sealed class FileTokenRecord
{
    public long Id { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public required string TokenHash { get; set; }

    /// <summary>Download (GET serves <see cref="FileId"/>) or Upload (PUT or POST stores a new file).</summary>
    public required string Purpose { get; set; }

    /// <summary>The file served, for a download; the file received, once an upload completed.</summary>
    public long? FileId { get; set; }

    /// <summary>The station the URL was made for.</summary>
    public string? StationId { get; set; }

    /// <summary>The kind the uploaded file gets (Log, Firmware, Upload).</summary>
    public required string Kind { get; set; }

    /// <summary>The name the uploaded file gets when the upload names none.</summary>
    public string? FileName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When a transfer took the token; null while it is unused. A transfer that fails gives it back.</summary>
    public DateTimeOffset? UsedAt { get; set; }
}
