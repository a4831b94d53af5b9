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
/// Block L, Firmware management, on the CSMS side: firmware registered with its signing certificate and signature
/// (a file of the file service, or an external URL), UpdateFirmware to a station (L01, L02) with a single-use download
/// URL of its own, each FirmwareStatusNotification stored in the history of its update, and the update done once the
/// station reports Installed or boots (reason FirmwareUpdate) on the new version. Campaigns over many stations are
/// driven by <see cref="Ohm.Csms.Campaigns.IFirmwareCampaigns"/> on top of this block.
/// </summary>
public sealed class Firmware(CsmsWriter writer, CsmsDatabase database, StationMessageStore messages, IStationCallRouter router, FileService files, TimeProvider time, ILogger<Firmware> logger)
{
    /// <summary>An update's state: a campaign's, not sent yet.</summary>
    public const string Queued = "Queued";

    /// <summary>An update's state: the station accepted it, no status came yet.</summary>
    public const string Sent = "Sent";

    /// <summary>An update's state: the station reports its progress.</summary>
    public const string InProgress = "InProgress";

    /// <summary>An update's state: Installed, or booted on the new version.</summary>
    public const string Done = "Done";

    /// <summary>An update's state: refused, or ended on a failure status.</summary>
    public const string Failed = "Failed";

    /// <summary>An update's state: the station canceled it for a later one (AcceptedCanceled).</summary>
    public const string Canceled = "Canceled";

    /// <summary>An update's state: its campaign stopped before it was sent.</summary>
    public const string Skipped = "Skipped";

    /// <summary>The statuses that end an update as failed (L01).</summary>
    public static readonly IReadOnlySet<FirmwareStatusEnumType> FailureStatuses = new HashSet<FirmwareStatusEnumType>
    {
        FirmwareStatusEnumType.DownloadFailed, FirmwareStatusEnumType.InvalidSignature, FirmwareStatusEnumType.InstallationFailed, FirmwareStatusEnumType.InstallVerificationFailed,
    };

    /// <summary>When and how: retrieveDateTime (null: now), installDateTime, and the station's download retries and the seconds between them.</summary>
    public sealed record Schedule(DateTimeOffset? RetrieveDateTime, DateTimeOffset? InstallDateTime, int? Retries, int? RetryInterval);

    /// <summary>Told the campaign of an update that ended (done or failed) or of a station that booted with a queued update.</summary>
    public event Action<long>? CampaignChanged;

    /// <summary>How long a campaign's queued station that was not connected waits before it is tried again.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(60);

    /// <summary>Whether an update's state is final.</summary>
    public static bool IsFinal(string state) => state is Done or Failed or Canceled or Skipped;

    // L01 Secure Firmware Update: a firmware registered, with the certificate that signed it and its signature.
    /// <summary>Registers a firmware served by the file service (<paramref name="fileId"/>) or from <paramref name="location"/>.</summary>
    public async Task<FirmwareRecord> RegisterAsync(string version, long? fileId, string? location, string? signingCertificate, string? signature, CancellationToken cancellationToken)
    {
        var record = new FirmwareRecord
        {
            Version = version,
            FileId = fileId,
            Location = location,
            SigningCertificate = signingCertificate,
            Signature = signature,
            CreatedAt = time.GetUtcNow(),
        };
        await writer.ExecuteAsync(db =>
        {
            db.Firmware.Add(record);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return record;
    }

    // L01 Secure Firmware Update, L02 Non-Secure Firmware Update: one UpdateFirmware to one station.
    /// <summary>Stores the update and sends it; the record says how the station answered.</summary>
    /// <exception cref="StationNotConnectedException">The station is not connected (nothing is stored).</exception>
    public async Task<FirmwareUpdateRecord> UpdateAsync(string stationId, FirmwareRecord firmware, Schedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        ArgumentNullException.ThrowIfNull(schedule);
        if (!await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
        {
            throw new StationNotConnectedException(stationId);
        }

        var update = NewUpdate(stationId, firmware.Id, null, schedule, Sent);
        await writer.ExecuteForStationAsync(stationId, db =>
        {
            db.FirmwareUpdates.Add(update);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return await SendAsync(update, firmware, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A new update record (not stored).</summary>
    internal FirmwareUpdateRecord NewUpdate(string stationId, long firmwareId, long? campaignId, Schedule schedule, string state) => new()
    {
        StationId = stationId,
        FirmwareId = firmwareId,
        CampaignId = campaignId,
        State = state,
        RetrieveDateTime = schedule.RetrieveDateTime,
        InstallDateTime = schedule.InstallDateTime,
        Retries = schedule.Retries,
        RetryInterval = schedule.RetryInterval,
        CreatedAt = time.GetUtcNow(),
    };

    /// <summary>
    /// Sends a stored update (its id is the requestId) with a download URL of its own when the file service serves the
    /// firmware, and stores the answer: Accepted or AcceptedCanceled make it Sent (AcceptedCanceled cancels the station's
    /// earlier update in progress), any other answer makes it Failed.
    /// </summary>
    /// <exception cref="StationNotConnectedException">The station is not connected; the update is left as it was.</exception>
    internal async Task<FirmwareUpdateRecord> SendAsync(FirmwareUpdateRecord update, FirmwareRecord firmware, CancellationToken cancellationToken)
    {
        var stationId = update.StationId;
        if (!await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
        {
            throw new StationNotConnectedException(stationId);
        }

        var now = time.GetUtcNow();
        var retrieve = update.RetrieveDateTime ?? now;
        string location;
        long? tokenId = null;
        if (firmware.FileId is { } fileId)
        {
            var lifetime = TimeSpan.FromMinutes(files.Options.DownloadTokenMinutes) + TimeSpan.FromSeconds((double)(update.Retries ?? 0) * (update.RetryInterval ?? 0));
            var url = await files.IssueDownloadAsync(fileId, stationId, (retrieve > now ? retrieve : now) + lifetime, cancellationToken).ConfigureAwait(false);
            location = url.Url;
            tokenId = url.TokenId;
        }
        else
        {
            location = firmware.Location!;
        }

        UpdateFirmwareResponse response;
        try
        {
            response = await router.CallAsync(stationId, new UpdateFirmwareRequest
            {
                RequestId = checked((int)update.Id),
                Retries = update.Retries,
                RetryInterval = update.RetryInterval,
                Firmware = new FirmwareType
                {
                    Location = location,
                    RetrieveDateTime = retrieve,
                    InstallDateTime = update.InstallDateTime,
                    SigningCertificate = firmware.SigningCertificate,
                    Signature = firmware.Signature,
                },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OcppConnectionClosedException) when (update.CampaignId is not null && !cancellationToken.IsCancellationRequested)
        {
            // A campaign's station that went away before it answered: the campaign queues it again for its next connection.
            throw new StationNotConnectedException(stationId);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not StationNotConnectedException)
        {
            // A CALLERROR, an answer that breaks the schema, no answer, a closed connection: the update failed. A
            // campaign counts it; the API reports the error after it is stored.
            var failed = await FinishAsync(update.Id, stationId, Failed, $"UpdateFirmware failed: {ex.Message}", null, null).ConfigureAwait(false);
            if (update.CampaignId is not null)
            {
                return failed;
            }

            throw;
        }
        catch (StationNotConnectedException) when (update.CampaignId is null)
        {
            await FinishAsync(update.Id, stationId, Failed, "not connected", null, null).ConfigureAwait(false);
            throw;
        }

        var sentAt = time.GetUtcNow();
        var accepted = response.Status is UpdateFirmwareStatusEnumType.Accepted or UpdateFirmwareStatusEnumType.AcceptedCanceled;
        var result = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var stored = await db.FirmwareUpdates.FirstAsync(u => u.Id == update.Id, CancellationToken.None).ConfigureAwait(false);
            stored.ResponseStatus = response.Status.ToWire();
            stored.TokenId = tokenId;
            stored.SentAt = sentAt;
            stored.NextAttemptAt = null;
            stored.State = accepted ? Sent : Failed;
            if (!accepted)
            {
                stored.FailureReason = $"UpdateFirmware answered {response.Status.ToWire()}" + (response.StatusInfo is { } info ? $" ({info.ReasonCode})" : "");
                stored.FinishedAt = sentAt;
            }

            if (response.Status == UpdateFirmwareStatusEnumType.AcceptedCanceled)
            {
                foreach (var earlier in await db.FirmwareUpdates.Where(u => u.StationId == stationId && u.Id != update.Id && (u.State == Sent || u.State == InProgress))
                    .ToListAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    earlier.State = Canceled;
                    earlier.FailureReason = $"canceled by the station for update {update.Id}";
                    earlier.FinishedAt = sentAt;
                }
            }

            return stored;
        }, CancellationToken.None).ConfigureAwait(false);
        logger.LogInformation("{StationId} answered UpdateFirmware {RequestId} (firmware {Version}) {Status}", stationId, update.Id, firmware.Version, response.Status.ToWire());
        if (!accepted && update.CampaignId is { } campaign)
        {
            CampaignChanged?.Invoke(campaign);
        }

        return result;
    }

    // L01 Secure Firmware Update: each FirmwareStatusNotification is stored, in the history of its update; Installed ends
    // it done, DownloadFailed, InvalidSignature, InstallationFailed and InstallVerificationFailed end it failed.
    public async ValueTask<FirmwareStatusNotificationResponse> FirmwareStatusNotificationAsync(FirmwareStatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var stationId = context.StationId;
        var now = time.GetUtcNow();
        var status = request.Status.ToWire();
        var ended = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            FirmwareUpdateRecord? update = null;
            if (request.RequestId is { } requestId)
            {
                update = await db.FirmwareUpdates.FirstOrDefaultAsync(u => u.Id == requestId && u.StationId == stationId, CancellationToken.None).ConfigureAwait(false);
            }

            db.FirmwareStatuses.Add(new FirmwareStatusRecord { StationId = stationId, RequestId = request.RequestId, FirmwareUpdateId = update?.Id, Status = status, ReceivedAt = now });
            if (update is null || request.Status == FirmwareStatusEnumType.Idle)
            {
                return null;
            }

            update.Status = status;
            if (IsFinal(update.State))
            {
                return null;
            }

            if (request.Status == FirmwareStatusEnumType.Installed)
            {
                update.State = Done;
                update.FinishedAt = now;
            }
            else if (FailureStatuses.Contains(request.Status))
            {
                update.State = Failed;
                update.FailureReason = status;
                update.FinishedAt = now;
            }
            else
            {
                update.State = InProgress;
            }

            return IsFinal(update.State) ? update : null;
        }, cancellationToken).ConfigureAwait(false);
        if (ended?.CampaignId is { } campaign)
        {
            CampaignChanged?.Invoke(campaign);
        }

        return new FirmwareStatusNotificationResponse();
    }

    // L01 Secure Firmware Update: the boot after the update (reason FirmwareUpdate) on the new version ends it done.
    /// <summary>
    /// Told of every accepted boot: one with reason FirmwareUpdate whose firmwareVersion is the version of the station's
    /// update in progress ends that update done; a boot of a station with a campaign's queued update tells the campaign,
    /// which may be waiting for it to connect.
    /// </summary>
    public async Task StationBootedAsync(string stationId, BootReasonEnumType reason, string? firmwareVersion, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var campaigns = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var touched = new List<long>();
            var open = await db.FirmwareUpdates.Where(u => u.StationId == stationId && (u.State == Sent || u.State == InProgress || u.State == Queued))
                .OrderByDescending(u => u.Id).ToListAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var queued in open.Where(u => u.State == Queued && u.CampaignId is not null))
            {
                queued.NextAttemptAt = null; // connected now: its campaign need not wait for the retry delay
                touched.Add(queued.CampaignId!.Value);
            }

            if (reason != BootReasonEnumType.FirmwareUpdate || open.FirstOrDefault(u => u.State != Queued) is not { } update)
            {
                return touched;
            }

            update.BootedVersion = firmwareVersion;
            var version = await db.Firmware.Where(f => f.Id == update.FirmwareId).Select(f => f.Version).FirstOrDefaultAsync(CancellationToken.None).ConfigureAwait(false);
            if (version is not null && string.Equals(version, firmwareVersion, StringComparison.Ordinal))
            {
                update.State = Done;
                update.FinishedAt = now;
                if (update.CampaignId is { } campaign)
                {
                    touched.Add(campaign);
                }
            }

            return touched;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var campaign in campaigns.Distinct())
        {
            CampaignChanged?.Invoke(campaign);
        }
    }

    /// <summary>Ends an update (not sent, or its call failed) with <paramref name="state"/> and tells its campaign.</summary>
    internal async Task<FirmwareUpdateRecord> FinishAsync(long updateId, string stationId, string state, string? reason, DateTimeOffset? nextAttemptAt, string? responseStatus)
    {
        var now = time.GetUtcNow();
        var stored = await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var update = await db.FirmwareUpdates.FirstAsync(u => u.Id == updateId, CancellationToken.None).ConfigureAwait(false);
            update.State = state;
            update.FailureReason = reason;
            update.NextAttemptAt = nextAttemptAt;
            update.ResponseStatus = responseStatus ?? update.ResponseStatus;
            update.FinishedAt = IsFinal(state) ? now : null;
            return update;
        }, CancellationToken.None).ConfigureAwait(false);
        if (IsFinal(state) && stored.CampaignId is { } campaign)
        {
            CampaignChanged?.Invoke(campaign);
        }

        return stored;
    }

    /// <summary>The firmware of <paramref name="firmwareId"/>, or null.</summary>
    public async Task<FirmwareRecord?> FindAsync(long firmwareId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            return await db.Firmware.AsNoTracking().FirstOrDefaultAsync(f => f.Id == firmwareId, cancellationToken).ConfigureAwait(false);
        }
    }

    // L03 Publish Firmware file on Local Controller: each PublishFirmwareStatusNotification is stored (PublishFirmware
    // itself goes through the generic command endpoint).
    public async ValueTask<PublishFirmwareStatusNotificationResponse> PublishFirmwareStatusNotificationAsync(PublishFirmwareStatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new PublishFirmwareStatusNotificationResponse();
    }
}
