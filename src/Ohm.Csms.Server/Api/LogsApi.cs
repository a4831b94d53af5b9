using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;
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

    /// <summary>
    /// A GetLog request: requestId (what the station reports it by), what was asked, the station's answer
    /// (responseStatus, filename), status (the last LogStatusNotification, else the answer), every status received,
    /// and the uploaded file once there is one.
    /// </summary>
    internal sealed record LogRequestView(
        long RequestId, string StationId, string LogType, DateTimeOffset? OldestTimestamp, DateTimeOffset? LatestTimestamp, int? Retries, int? RetryInterval,
        string? ResponseStatus, string? Filename, string? Status, DateTimeOffset RequestedAt, DateTimeOffset UpdatedAt, LogStatusView[] History, FilesApi.FileView? File);

    private static async Task<Results<Ok<LogRequestView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        string stationId, LogRequestBody body, LogRetrieval logs, LogQueries queries, ApiOptions options, CsmsDatabase database, CancellationToken ct)
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
            return TypedResults.Ok(View(await queries.EntryAsync(record, t).ConfigureAwait(false)));
        }, p => p, ct).ConfigureAwait(false);
    }

    private static async Task<Results<Ok<Page<LogRequestView>>, ValidationProblem, ProblemHttpResult>> ListAsync(
        string stationId, LogQueries queries, [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        return await queries.ListAsync(stationId, before, 0, take, ct).ConfigureAwait(false) is { } found
            ? TypedResults.Ok(Paging.Of(found.Rows, take, found.Total, View, e => Paging.Key(e.Request.Id)))
            : ApiResults.StationNotFound(stationId);
    }

    private static async Task<Results<Ok<LogRequestView>, ProblemHttpResult>> GetAsync(string stationId, long requestId, LogQueries queries, CsmsDatabase database, CancellationToken ct)
    {
        if (await queries.GetAsync(stationId, requestId, ct).ConfigureAwait(false) is { } entry)
        {
            return TypedResults.Ok(View(entry));
        }

        return await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false)
            ? ApiResults.NotFound($"Station '{stationId}' has no log request {requestId}.")
            : ApiResults.StationNotFound(stationId);
    }

    private static LogRequestView View(LogRequestEntry e)
    {
        var r = e.Request;
        return new(
            r.Id, r.StationId, r.LogType, r.OldestTimestamp, r.LatestTimestamp, r.Retries, r.RetryInterval, r.ResponseStatus, r.Filename, r.Status, r.RequestedAt, r.UpdatedAt,
            e.History, e.File is { } file ? FilesApi.View(file) : null);
    }
}
