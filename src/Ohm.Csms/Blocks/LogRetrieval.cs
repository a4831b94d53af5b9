using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Files;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block N, N01 Retrieve Log Information, on the CSMS side: GetLog with an upload URL of the file service (one per
/// request, single-use, expiring), each LogStatusNotification stored and linked to its request, the uploaded file linked
/// through the request's upload token.
/// </summary>
public sealed class LogRetrieval(CsmsWriter writer, StationMessageStore messages, IStationCallRouter router, FileService files, TimeProvider time, ILogger<LogRetrieval> logger)
{
    /// <summary>The file kind of an uploaded log.</summary>
    public const string LogKind = "Log";

    /// <summary>What to ask for: the log, its window, the station's upload retries and the seconds between them.</summary>
    public sealed record Request(LogEnumType LogType, DateTimeOffset? OldestTimestamp, DateTimeOffset? LatestTimestamp, int? Retries, int? RetryInterval);

    // N01 Retrieve Log Information: an upload URL is made, the request stored (its id is the requestId), then GetLog sent.
    /// <summary>
    /// Sends GetLog with an upload URL of the file service and stores the request with the station's answer. The URL is
    /// valid for <see cref="FileServiceOptions.UploadTokenMinutes"/> beyond the retries the station may make.
    /// </summary>
    public async Task<(LogRequestRecord Record, GetLogResponse Response)> RequestAsync(string stationId, Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
        {
            throw new StationNotConnectedException(stationId);
        }

        var now = time.GetUtcNow();
        var lifetime = TimeSpan.FromMinutes(files.Options.UploadTokenMinutes) + TimeSpan.FromSeconds((double)(request.Retries ?? 0) * (request.RetryInterval ?? 0));
        var upload = await files.IssueUploadAsync(stationId, LogKind, $"{stationId}-{request.LogType.ToWire()}.log", now + lifetime, cancellationToken).ConfigureAwait(false);
        var record = new LogRequestRecord
        {
            StationId = stationId,
            LogType = request.LogType.ToWire(),
            OldestTimestamp = request.OldestTimestamp,
            LatestTimestamp = request.LatestTimestamp,
            Retries = request.Retries,
            RetryInterval = request.RetryInterval,
            RemoteLocation = upload.Url[..(upload.Url.LastIndexOf('/') + 1)] + "{token}",
            TokenId = upload.TokenId,
            RequestedAt = now,
            UpdatedAt = now,
        };
        await writer.ExecuteForStationAsync(stationId, db =>
        {
            db.LogRequests.Add(record);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);

        var response = await router.CallAsync(stationId, new GetLogRequest
        {
            LogType = request.LogType,
            RequestId = checked((int)record.Id),
            Retries = request.Retries,
            RetryInterval = request.RetryInterval,
            Log = new LogParametersType { RemoteLocation = upload.Url, OldestTimestamp = request.OldestTimestamp, LatestTimestamp = request.LatestTimestamp },
        }, cancellationToken).ConfigureAwait(false);

        var answeredAt = time.GetUtcNow();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var stored = await db.LogRequests.FirstAsync(r => r.Id == record.Id, CancellationToken.None).ConfigureAwait(false);
            stored.ResponseStatus = response.Status.ToWire();
            stored.Filename = response.Filename;
            stored.Status ??= response.Status.ToWire();
            stored.UpdatedAt = answeredAt;

            // AcceptedCanceled: the station canceled the upload it was busy with to take this one.
            if (response.Status == LogStatusEnumType.AcceptedCanceled)
            {
                foreach (var earlier in await db.LogRequests.Where(r => r.StationId == stationId && r.Id < record.Id
                    && r.Status != "Uploaded" && r.Status != "UploadFailure" && r.Status != "Rejected" && r.Status != "AcceptedCanceled").ToListAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    earlier.Status = "AcceptedCanceled";
                    earlier.UpdatedAt = answeredAt;
                }
            }

            record = stored;
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("{StationId} answered GetLog {RequestId} ({LogType}) {Status}", stationId, record.Id, record.LogType, response.Status.ToWire());
        return (record, response);
    }

    // N01 Retrieve Log Information: each LogStatusNotification is stored, in the history of its request when its requestId names one.
    public async ValueTask<LogStatusNotificationResponse> LogStatusNotificationAsync(LogStatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var now = time.GetUtcNow();
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            LogRequestRecord? owner = null;
            if (request.RequestId is { } requestId)
            {
                owner = await db.LogRequests.FirstOrDefaultAsync(r => r.Id == requestId && r.StationId == stationId, CancellationToken.None).ConfigureAwait(false);
            }

            if (owner is not null)
            {
                owner.Status = request.Status.ToWire();
                owner.UpdatedAt = now;
            }

            db.LogStatuses.Add(new LogStatusRecord
            {
                StationId = stationId,
                RequestId = request.RequestId,
                LogRequestId = owner?.Id,
                Status = request.Status.ToWire(),
                ReceivedAt = now,
            });
        }, cancellationToken).ConfigureAwait(false);
        return new LogStatusNotificationResponse();
    }
}
