namespace Ohm.Csms.Files;

/// <summary>
/// Where the file service keeps the bytes of its files. The default is <see cref="DataFolderFileStore"/> (a folder in
/// the data folder); an object store (S3, Azure Blob) implements this interface and is registered in its place, so that
/// every node of a cluster reads the same files. The metadata (names, sizes, hashes, tokens) stays in the database.
/// </summary>
public interface IFileStore
{
    /// <summary>
    /// Streams <paramref name="content"/> into a new object and returns its key, length and SHA-256; never holds the whole
    /// content in memory. More than <paramref name="maxBytes"/> bytes stops the write, leaves nothing behind and throws
    /// <see cref="FileTooLargeException"/>.
    /// </summary>
    Task<StoredObject> WriteAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>Opens the object of <paramref name="key"/> for reading, or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes the object of <paramref name="key"/>; nothing happens when there is none.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken);
}

/// <summary>What a write stored: the key to read it back with, its length and its SHA-256 (lower-case hex).</summary>
public sealed record StoredObject(string Key, long Length, string Sha256);

/// <summary>A content went over the size limit of its transfer.</summary>
public sealed class FileTooLargeException : Exception
{
    public FileTooLargeException()
    {
    }

    public FileTooLargeException(string message)
        : base(message)
    {
    }

    public FileTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The limit, in bytes.</summary>
    public long Limit { get; init; }
}
