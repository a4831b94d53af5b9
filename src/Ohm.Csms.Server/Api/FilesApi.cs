using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Files;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Server.Api;

/// <summary>
/// The file service's files (firmware, logs stations uploaded, files given here): list, read, download, upload and
/// delete. Stations transfer files through their own single-use URLs on the OCPP address, not through this API.
/// </summary>
internal static class FilesApi
{
    /// <summary>The kinds of file.</summary>
    private static readonly string[] Kinds = ["Firmware", "Log", "Upload"];

    public static void Map(RouteGroupBuilder api)
    {
        var files = api.MapGroup("/files").WithTags("Files");
        files.MapGet("/", ListAsync).WithName("listFiles").WithSummary("The files of the file service, newest first; filter by kind (Firmware, Log, Upload) or station");
        files.MapPost("/", UploadAsync).WithName("uploadFile")
            .WithSummary("Upload a file (a firmware image, say): the raw body, streamed to the store, at most Csms:Files:MaxUploadBytes")
            .Accepts<Stream>("application/octet-stream")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        files.MapGet("/{fileId:long}", GetAsync).WithName("getFile").WithSummary("A file's name, kind, size, SHA-256 and station").ProducesProblem(StatusCodes.Status404NotFound);
        files.MapGet("/{fileId:long}/content", DownloadAsync).WithName("downloadFile").WithSummary("A file's content")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
        files.MapDelete("/{fileId:long}", DeleteAsync).WithName("deleteFile").WithSummary("Delete a file, its content and the download URLs that serve it")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>A file: kind Firmware, Log or Upload; the station that uploaded it, for a station's upload.</summary>
    internal sealed record FileView(long Id, string Name, string Kind, string ContentType, long Length, string Sha256, string? StationId, DateTimeOffset CreatedAt);

    internal static FileView View(StoredFileRecord f) => new(f.Id, f.Name, f.Kind, f.ContentType, f.Length, f.Sha256, f.StationId, f.CreatedAt);

    private static async Task<Results<Ok<Page<FileView>>, ValidationProblem>> ListAsync(
        CsmsDatabase database, [Description("Firmware, Log or Upload; leave it out for all")] string? kind, string? stationId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        if (kind is not null && !Kinds.Contains(kind, StringComparer.Ordinal))
        {
            return ApiResults.Invalid("kind", "must be Firmware, Log or Upload");
        }

        await using var db = database.CreateContext();
        var query = db.Files.AsNoTracking();
        if (kind is not null)
        {
            query = query.Where(f => f.Kind == kind);
        }

        if (stationId is not null)
        {
            query = query.Where(f => f.StationId == stationId);
        }

        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(f => f.Id < b);
        }

        var rows = await query.OrderByDescending(f => f.Id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(Paging.Of(rows, take, total, View, f => Paging.Key(f.Id)));
    }

    private static async Task<Results<Created<FileView>, ValidationProblem, ProblemHttpResult>> UploadAsync(
        HttpContext context, FileService files, [Description("the file's name (no path)")] string name,
        [Description("Firmware or Upload (default Upload)")] string? kind, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 255)
        {
            return ApiResults.Invalid("name", "is 1 to 255 characters long");
        }

        kind ??= "Upload";
        if (kind is not ("Firmware" or "Upload"))
        {
            return ApiResults.Invalid("kind", "must be Firmware or Upload");
        }

        var limit = files.Options.MaxUploadBytes;
        if (context.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        try
        {
            var file = await files.StoreAsync(context.Request.Body, name, context.Request.ContentType, kind, null, null, ct).ConfigureAwait(false);
            return TypedResults.Created($"/api/files/{file.Id}", View(file));
        }
        catch (Exception ex) when (ex is FileTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            return TooLarge(limit);
        }
    }

    private static async Task<Results<Ok<FileView>, ProblemHttpResult>> GetAsync(long fileId, FileService files, CancellationToken ct) =>
        await files.FindAsync(fileId, ct).ConfigureAwait(false) is { } file ? TypedResults.Ok(View(file)) : ApiResults.NotFound($"No file {fileId}.");

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(long fileId, FileService files, CancellationToken ct)
    {
        if (await files.FindAsync(fileId, ct).ConfigureAwait(false) is not { } file)
        {
            return ApiResults.NotFound($"No file {fileId}.");
        }

        var content = await files.OpenAsync(file, ct).ConfigureAwait(false);
        return content is null
            ? ApiResults.NotFound($"The content of file {fileId} is missing from the store.")
            : TypedResults.File(content, file.ContentType, file.Name);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(long fileId, FileService files, CancellationToken ct) =>
        await files.DeleteAsync(fileId, ct).ConfigureAwait(false) ? TypedResults.NoContent() : ApiResults.NotFound($"No file {fileId}.");

    private static ProblemHttpResult TooLarge(long limit) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The upload is too large", detail: $"At most {limit} bytes are accepted (Csms:Files:MaxUploadBytes).");
}
