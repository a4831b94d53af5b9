using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Server.Api;

/// <summary>N01 Retrieve Log Information: ask a station for a log (uploaded to the file service), follow each request's status and get its file.</summary>
internal static class LogsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        var logs = api.MapGroup("/stations/{stationId}/logs").WithTags("Logs");
        var request = logs.MapPost("/", RequestAsync).WithName("requestLog")
            .WithSummary("N01 GetLog: the station uploads its DiagnosticsLog or SecurityLog to a single-use URL of the file service")
            .WithDescription("The upload URL is valid for Csms:Files:UploadTokenMinutes beyond retries x retryInterval. The answer is the stored request "
                + "with the station's GetLog status; follow it with GET .../logs/{requestId}: its status history (Uploading, Uploaded, UploadFailure, ...) and, once uploaded, its file.");
        request.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        foreach (var status in ApiResults.CallProblems)
        {
            request.ProducesProblem(status);
        }

        logs.MapGet("/", ListAsync).WithName("listLogRequests").WithSummary("N01 The station's GetLog requests, newest first, each with its status history and file")
            .ProducesProblem(StatusCodes.Status404NotFound);
        logs.MapGet("/{requestId:long}", GetAsync).WithName("getLogRequest").WithSummary("N01 One GetLog request with its status history and file")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// A log to ask for: logType DiagnosticsLog or SecurityLog; the window oldestTimestamp-latestTimestamp (optional);
    /// retries, the station's upload attempts, and retryInterval, the seconds between them (optional, 0 or more).
    /// </summary>
    internal sealed record LogRequestBody
    {
        public required LogEnumType LogType { get; init; }

        public DateTimeOffset? OldestTimestamp { get; init; }

        public DateTimeOffset? LatestTimestamp { get; init; }

        public int? Retries { get; init; }

        public int? RetryInterval { get; init; }
    }

    /// <summary>One LogStatusNotification of a request.</summary>
    internal sealed record LogStatusView(string Status, DateTimeOffset ReceivedAt);

    /// <summary>
    /// A GetLog request: requestId (what the station reports it by), what was asked, the station's answer
    /// (responseStatus, filename), status (the last LogStatusNotification, else the answer), every status received,
    /// and the uploaded file once there is one.
    /// </summary>
    internal sealed record LogRequestView(
        long RequestId, string StationId, string LogType, DateTimeOffset? OldestTimestamp, DateTimeOffset? LatestTimestamp, int? Retries, int? RetryInterval,
        string? ResponseStatus, string? Filename, string? Status, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, LogStatusView[] History, FilesApi.FileView? File);

    private static async Task<Results<Ok<LogRequestView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        string stationId, LogRequestBody body, LogRetrieval logs, ApiOptions options, CsmsDatabase database, CancellationToken ct)
    {
        if (!Enum.IsDefined(body.LogType))
        {
            return ApiResults.Invalid("logType", "must be DiagnosticsLog or SecurityLog");
        }

        if (body.OldestTimestamp is { } oldest && body.LatestTimestamp is { } latest && latest < oldest)
        {
            return ApiResults.Invalid("latestTimestamp", "must not be before oldestTimestamp");
        }

        if (body.Retries is < 0 or > 1000)
        {
            return ApiResults.Invalid("retries", "must be 0 to 1000");
        }

        if (body.RetryInterval is < 0 or > 86400)
        {
            return ApiResults.Invalid("retryInterval", "must be 0 to 86400 seconds");
        }

        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        return await ApiResults.CallAsync<Results<Ok<LogRequestView>, ValidationProblem, ProblemHttpResult>>(stationId, options, database, async t =>
        {
            var (record, _) = await logs.RequestAsync(stationId, new LogRetrieval.Request(body.LogType, body.OldestTimestamp, body.LatestTimestamp, body.Retries, body.RetryInterval), t).ConfigureAwait(false);
            await using var db = database.CreateContext();
            return TypedResults.Ok((await ViewsAsync(db, [record], t).ConfigureAwait(false))[0]);
        }, p => p, ct).ConfigureAwait(false);
    }

    private static Task<Results<Ok<Page<LogRequestView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, CsmsDatabase database, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct) =>
        StationPages.ReadAsync(database, stationId, cursor, limit, db => db.LogRequests.Where(r => r.StationId == stationId), r => r.Id, ViewsAsync, ct);

    private static async Task<Results<Ok<LogRequestView>, ProblemHttpResult>> GetAsync(string stationId, long requestId, CsmsDatabase database, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var record = await db.LogRequests.AsNoTracking().FirstOrDefaultAsync(r => r.StationId == stationId && r.Id == requestId, ct).ConfigureAwait(false);
        if (record is null)
        {
            return await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false)
                ? ApiResults.NotFound($"Station '{stationId}' has no log request {requestId}.")
                : ApiResults.StationNotFound(stationId);
        }

        return TypedResults.Ok((await ViewsAsync(db, [record], ct).ConfigureAwait(false))[0]);
    }

    private static async Task<List<LogRequestView>> ViewsAsync(CsmsDbContext db, List<LogRequestRecord> records, CancellationToken ct)
    {
        var ids = records.Select(r => r.Id).ToList();
        var tokenIds = records.Select(r => r.TokenId).ToList();
        var history = (await db.LogStatuses.AsNoTracking().Where(s => s.LogRequestId != null && ids.Contains(s.LogRequestId.Value)).OrderBy(s => s.Id).ToListAsync(ct).ConfigureAwait(false))
            .ToLookup(s => s.LogRequestId!.Value);
        var fileOfToken = await db.FileTokens.AsNoTracking().Where(t => tokenIds.Contains(t.Id) && t.FileId != null).ToDictionaryAsync(t => t.Id, t => t.FileId!.Value, ct).ConfigureAwait(false);
        var fileIds = fileOfToken.Values.ToList();
        var files = await db.Files.AsNoTracking().Where(f => fileIds.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct).ConfigureAwait(false);
        return [.. records.Select(r => new LogRequestView(
            r.Id, r.StationId, r.LogType, r.OldestTimestamp, r.LatestTimestamp, r.Retries, r.RetryInterval, r.ResponseStatus, r.Filename, r.Status, r.RequestedAt, r.UpdatedAt,
            [.. history[r.Id].Select(s => new LogStatusView(s.Status, s.ReceivedAt))],
            fileOfToken.TryGetValue(r.TokenId, out var fileId) && files.TryGetValue(fileId, out var file) ? FilesApi.View(file) : null))];
    }
}
