using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Files;

/// <summary>
/// The CSMS's file service: the files stations download (firmware) and upload (logs), each transfer through a URL of
/// its own, <c>{base}/files/{token}</c>. A token is random (256 bits), stored only as its SHA-256 in the database (so
/// every node of a cluster honours it), valid until it expires on the injected clock, and single-use: a transfer takes
/// it atomically (two at once cannot both have it), a completed transfer uses it up and a failed one gives it back, so a
/// station that retries after a broken download or upload may use the same URL again.
/// </summary>
public sealed class FileService(CsmsWriter writer, CsmsDatabase database, IFileStore store, FileServiceOptions options, FileServiceAddress address, TimeProvider time)
{
    /// <summary>A token's purpose: serving a file.</summary>
    public const string Download = "Download";

    /// <summary>A token's purpose: receiving a file.</summary>
    public const string Upload = "Upload";

    /// <summary>The settings.</summary>
    public FileServiceOptions Options => options;

    /// <summary>A URL made for one transfer: its token's row and the URL to give the station.</summary>
    public sealed record TransferUrl(long TokenId, string Url);

    /// <summary>How taking a token went.</summary>
    public enum ClaimStatus
    {
        /// <summary>The transfer has the token.</summary>
        Claimed,

        /// <summary>No such token (or not for this purpose).</summary>
        Unknown,

        /// <summary>The token expired.</summary>
        Expired,

        /// <summary>A transfer used it up, or one holds it now.</summary>
        Used,
    }

    /// <summary>A URL that serves file <paramref name="fileId"/> to <paramref name="stationId"/> until <paramref name="expiresAt"/>.</summary>
    public Task<TransferUrl> IssueDownloadAsync(long fileId, string? stationId, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        IssueAsync(Download, fileId, stationId, "Firmware", null, expiresAt, cancellationToken);

    /// <summary>A URL that receives one file of <paramref name="kind"/> from <paramref name="stationId"/> until <paramref name="expiresAt"/>.</summary>
    public Task<TransferUrl> IssueUploadAsync(string? stationId, string kind, string? fileName, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        IssueAsync(Upload, null, stationId, kind, fileName, expiresAt, cancellationToken);

    /// <summary>Takes the token for a transfer of <paramref name="purpose"/>; on <see cref="ClaimStatus.Claimed"/> its row comes with it.</summary>
    public Task<(ClaimStatus Status, FileTokenRecord? Token)> ClaimAsync(string token, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = Hash(token);
        var now = time.GetUtcNow();
        return writer.ExecuteAsync<(ClaimStatus, FileTokenRecord?)>(async db =>
        {
            var row = await db.FileTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash && t.Purpose == purpose, CancellationToken.None).ConfigureAwait(false);
            if (row is null)
            {
                return (ClaimStatus.Unknown, null);
            }

            if (row.ExpiresAt <= now)
            {
                return (ClaimStatus.Expired, null);
            }

            // Conditional, so that of two transfers at once (on two nodes, say) only one takes it.
            var taken = await db.FileTokens.Where(t => t.Id == row.Id && t.UsedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), CancellationToken.None).ConfigureAwait(false);
            if (taken == 0)
            {
                return (ClaimStatus.Used, null);
            }

            row.UsedAt = now;
            return (ClaimStatus.Claimed, row);
        }, cancellationToken);
    }

    /// <summary>Gives a token back after its transfer failed, so that the station may try again with the same URL.</summary>
    public Task ReleaseAsync(long tokenId) =>
        writer.ExecuteAsync(db => db.FileTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, (DateTimeOffset?)null), CancellationToken.None));

    /// <summary>
    /// Streams <paramref name="content"/> into the store (at most <see cref="FileServiceOptions.MaxUploadBytes"/>) and
    /// records the file; with <paramref name="tokenId"/>, the upload token is linked to it.
    /// </summary>
    /// <exception cref="FileTooLargeException">The content is over the limit; nothing is kept.</exception>
    public async Task<StoredFileRecord> StoreAsync(Stream content, string name, string? contentType, string kind, string? stationId, long? tokenId, CancellationToken cancellationToken)
    {
        var stored = await store.WriteAsync(content, options.MaxUploadBytes, cancellationToken).ConfigureAwait(false);
        var record = new StoredFileRecord
        {
            Name = SafeName(name),
            Kind = kind,
            ContentType = string.IsNullOrWhiteSpace(contentType) ? "application/octet-stream" : contentType.Length > 128 ? contentType[..128] : contentType,
            Length = stored.Length,
            Sha256 = stored.Sha256,
            StoreKey = stored.Key,
            StationId = stationId,
            CreatedAt = time.GetUtcNow(),
        };
        try
        {
            await writer.ExecuteAsync(async db =>
            {
                db.Files.Add(record);
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
                if (tokenId is { } id)
                {
                    await db.FileTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.FileId, record.Id), CancellationToken.None).ConfigureAwait(false);
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch
        {
            await store.DeleteAsync(stored.Key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return record;
    }

    /// <summary>The file of <paramref name="fileId"/>, or null.</summary>
    public async Task<StoredFileRecord?> FindAsync(long fileId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Opens the content of <paramref name="file"/>, or null when the store has lost it.</summary>
    public Task<Stream?> OpenAsync(StoredFileRecord file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        return store.OpenReadAsync(file.StoreKey, cancellationToken);
    }

    /// <summary>Deletes a file, its content and the download tokens that serve it; returns whether it existed.</summary>
    public async Task<bool> DeleteAsync(long fileId, CancellationToken cancellationToken)
    {
        var key = await writer.ExecuteAsync(async db =>
        {
            var file = await db.Files.FirstOrDefaultAsync(f => f.Id == fileId, CancellationToken.None).ConfigureAwait(false);
            if (file is null)
            {
                return null;
            }

            db.Files.Remove(file);
            await db.FileTokens.Where(t => t.FileId == fileId && t.Purpose == Download).ExecuteDeleteAsync(CancellationToken.None).ConfigureAwait(false);
            return file.StoreKey;
        }, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return false;
        }

        await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>A file name without any path, control characters or quotes, at most 255 characters; "file" when nothing is left.</summary>
    public static string SafeName(string? name)
    {
        var leaf = Path.GetFileName((name ?? "").Replace('\\', '/').Split('/')[^1]);
        var clean = new string([.. leaf.Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\'))]).Trim();
        return clean.Length == 0 || clean is "." or ".." ? "file" : clean.Length > 255 ? clean[..255] : clean;
    }

    private async Task<TransferUrl> IssueAsync(string purpose, long? fileId, string? stationId, string kind, string? fileName, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new FileTokenRecord
        {
            TokenHash = Hash(token),
            Purpose = purpose,
            FileId = fileId,
            StationId = stationId,
            Kind = kind,
            FileName = fileName is null ? null : SafeName(fileName),
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        await writer.ExecuteAsync(db =>
        {
            db.FileTokens.Add(record);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new TransferUrl(record.Id, address.Base().ToString().TrimEnd('/') + "/files/" + token);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// The base address stations reach the file service at; the host sets it once its OCPP listener is bound (or from
/// <see cref="FileServiceOptions.PublicUrl"/>).
/// </summary>
public sealed class FileServiceAddress
{
    private Func<Uri>? _resolve;

    /// <summary>Tells where the base address comes from.</summary>
    public void Use(Func<Uri> resolve) => _resolve = resolve;

    /// <summary>The base address.</summary>
    /// <exception cref="InvalidOperationException">The host has not said yet.</exception>
    public Uri Base() => (_resolve ?? throw new InvalidOperationException("The file service's address is not known before the host listens."))();
}
