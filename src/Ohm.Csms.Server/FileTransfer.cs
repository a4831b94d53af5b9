using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Ohm.Csms.Files;

namespace Ohm.Csms.Server;

/// <summary>
/// The file service's transfer endpoints, on the OCPP listener (the address stations reach, with its TLS when the CSMS
/// runs TLS): GET /files/{token} serves a file, PUT or POST /files/{token} receives one, as the raw body or as the
/// first file of a multipart/form-data body (what chargers send their logs as). Bodies are streamed to the store, never
/// buffered whole; one over Csms:Files:MaxUploadBytes answers 413. An unknown token answers 404, an expired or used
/// one 410; every error is a ProblemDetails. A failed transfer gives its token back (<see cref="FileService"/>).
/// </summary>
internal static class FileTransfer
{
    /// <summary>What a multipart body may hold besides the file (its boundaries, headers, other fields).</summary>
    private const long MultipartOverhead = 1024 * 1024;

    public static void Map(WebApplication app, Listeners listeners)
    {
        var files = app.MapGroup("/files").ExcludeFromDescription().AddEndpointFilter((context, next) =>
            listeners.Is(context.HttpContext, Listeners.Ocpp) ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        files.MapGet("/{token}", (Func<HttpContext, string, FileService, ILoggerFactory, Task>)DownloadAsync);
        files.MapPut("/{token}", (Func<HttpContext, string, FileService, ILoggerFactory, Task>)UploadAsync);
        files.MapPost("/{token}", (Func<HttpContext, string, FileService, ILoggerFactory, Task>)UploadAsync);
    }

    private static async Task DownloadAsync(HttpContext context, string token, FileService files, ILoggerFactory loggers)
    {
        var (status, claimed) = await files.ClaimAsync(token, FileService.Download, context.RequestAborted).ConfigureAwait(false);
        if (claimed is null)
        {
            await RefusedAsync(context, status).ConfigureAwait(false);
            return;
        }

        var file = claimed.FileId is { } id ? await files.FindAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
        var content = file is null ? null : await files.OpenAsync(file, context.RequestAborted).ConfigureAwait(false);
        if (file is null || content is null)
        {
            await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
            await ProblemAsync(context, StatusCodes.Status404NotFound, "No such file", "The file of this URL was deleted.").ConfigureAwait(false);
            return;
        }

        await using (content.ConfigureAwait(false))
        {
            context.Response.ContentType = file.ContentType;
            context.Response.ContentLength = file.Length;
            context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = file.Name }.ToString();
            try
            {
                await content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The station went away mid-download: it may try again with the same URL.
                await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
                loggers.CreateLogger(typeof(FileTransfer).FullName!).LogInformation("The download of file {FileId} by {StationId} broke off: {Message}", file.Id, claimed.StationId, ex.Message);
            }
        }
    }

    private static async Task UploadAsync(HttpContext context, string token, FileService files, ILoggerFactory loggers)
    {
        var limit = files.Options.MaxUploadBytes;
        var multipart = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (context.Request.ContentLength > limit + (multipart ? MultipartOverhead : 0))
        {
            await TooLargeAsync(context, limit).ConfigureAwait(false);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit + (multipart ? MultipartOverhead : 0);
        }

        var (status, claimed) = await files.ClaimAsync(token, FileService.Upload, context.RequestAborted).ConfigureAwait(false);
        if (claimed is null)
        {
            await RefusedAsync(context, status).ConfigureAwait(false);
            return;
        }

        var logger = loggers.CreateLogger(typeof(FileTransfer).FullName!);
        try
        {
            Stream body = context.Request.Body;
            var name = claimed.FileName ?? "upload";
            var contentType = multipart ? null : context.Request.ContentType;
            if (multipart)
            {
                var boundary = HeaderUtilities.RemoveQuotes(type!.Boundary).Value;
                if (string.IsNullOrEmpty(boundary))
                {
                    await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
                    await ProblemAsync(context, StatusCodes.Status400BadRequest, "The request is not valid", "A multipart/form-data body needs a boundary.").ConfigureAwait(false);
                    return;
                }

                var reader = new MultipartReader(boundary, context.Request.Body);
                MultipartSection? section;
                while ((section = await reader.ReadNextSectionAsync(context.RequestAborted).ConfigureAwait(false)) is not null)
                {
                    if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
                    {
                        name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value is { Length: > 0 } given ? given : name;
                        contentType = section.ContentType;
                        break;
                    }
                }

                if (section is null)
                {
                    await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
                    await ProblemAsync(context, StatusCodes.Status400BadRequest, "The request is not valid", "The multipart/form-data body holds no file.").ConfigureAwait(false);
                    return;
                }

                body = section.Body;
            }

            var file = await files.StoreAsync(body, name, contentType, claimed.Kind, claimed.StationId, claimed.Id, context.RequestAborted).ConfigureAwait(false);
            logger.LogInformation("{StationId} uploaded file {FileId} ({Name}, {Length} bytes)", claimed.StationId, file.Id, file.Name, file.Length);
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsJsonAsync(new { id = file.Id, name = file.Name, length = file.Length, sha256 = file.Sha256 }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileTooLargeException || ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
            await TooLargeAsync(context, limit).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The station went away mid-upload, or its multipart body is broken: it may try again with the same URL.
            await files.ReleaseAsync(claimed.Id).ConfigureAwait(false);
            logger.LogInformation("An upload by {StationId} broke off: {Message}", claimed.StationId, ex.Message);
            if (!context.RequestAborted.IsCancellationRequested && !context.Response.HasStarted)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "The upload broke off", ex.Message).ConfigureAwait(false);
            }
        }
    }

    private static Task RefusedAsync(HttpContext context, FileService.ClaimStatus status) => status switch
    {
        FileService.ClaimStatus.Expired => ProblemAsync(context, StatusCodes.Status410Gone, "The URL expired", "This transfer URL is no longer valid; ask for a new one."),
        FileService.ClaimStatus.Used => ProblemAsync(context, StatusCodes.Status410Gone, "The URL was used", "This transfer URL is single-use and was used (or is in use)."),
        _ => ProblemAsync(context, StatusCodes.Status404NotFound, "No such transfer", "No transfer URL has this token."),
    };

    private static Task TooLargeAsync(HttpContext context, long limit) =>
        ProblemAsync(context, StatusCodes.Status413PayloadTooLarge, "The upload is too large", $"At most {limit} bytes are accepted (Csms:Files:MaxUploadBytes).");

    private static Task ProblemAsync(HttpContext context, int status, string title, string detail)
    {
        if (context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        return Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context);
    }
}
