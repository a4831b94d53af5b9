using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using FirmwareBlock = Ohm.Csms.Blocks.Firmware;

namespace Ohm.Csms.Campaigns;

/// <summary>
/// Drives firmware campaigns: one firmware to many stations. What must be one across the nodes of a cluster (who sends
/// the next station's update) sits behind this seam; <see cref="FirmwareCampaigns"/> is the single-node driver.
/// </summary>
public interface IFirmwareCampaigns
{
    /// <summary>Stores a campaign with a queued update per station and starts it.</summary>
    Task<FirmwareCampaignRecord> StartAsync(string name, FirmwareRecord firmware, IReadOnlyList<string> stationIds, int maxConcurrent, int maxFailurePercent, FirmwareBlock.Schedule schedule, CancellationToken cancellationToken);

    /// <summary>Stops a running campaign: its queued updates are skipped (those sent go on); false when it is not running.</summary>
    Task<bool> StopAsync(long campaignId, string reason, CancellationToken cancellationToken);

    /// <summary>Looks at the campaign again: sends the next updates, stops it or completes it.</summary>
    Task AdvanceAsync(long campaignId, CancellationToken cancellationToken);
}

/// <summary>
/// The single-node campaign driver, on the injected clock. A campaign keeps at most MaxConcurrent stations in progress
/// (sent and not done or failed); each time one ends it sends the next queued one. A station not connected when its turn
/// comes stays queued and is tried again when it boots or after <see cref="RetryDelay"/>, without taking a place. Once
/// more than MaxFailurePercent of the campaign's stations failed (InvalidSignature, DownloadFailed, InstallationFailed,
/// InstallVerificationFailed, or an UpdateFirmware refused), the campaign stops: its queued updates are skipped. With
/// nothing queued and nothing in progress it is Completed. Running campaigns are picked up again after a restart.
/// With an <see cref="ICampaignPlacement"/> (a cluster) every advance and stop goes to where the campaign is placed, one at
/// a time across the nodes; each node still ticks and listens, but only asks the placement.
/// </summary>
public sealed class FirmwareCampaigns : IFirmwareCampaigns, IDisposable
{
    /// <summary>A campaign's state.</summary>
    public const string Running = "Running";

    /// <summary>A campaign's state.</summary>
    public const string Completed = "Completed";

    /// <summary>A campaign's state.</summary>
    public const string Stopped = "Stopped";

    /// <summary>How long a queued station that was not connected waits before it is tried again.</summary>
    public static readonly TimeSpan RetryDelay = FirmwareBlock.RetryDelay;

    private readonly CsmsWriter _writer;
    private readonly CsmsDatabase _database;
    private readonly FirmwareBlock _firmware;
    private readonly BackgroundWork _background;
    private readonly TimeProvider _time;
    private readonly ILogger<FirmwareCampaigns> _logger;
    private readonly ICampaignPlacement? _placement;
    private readonly ConcurrentDictionary<long, SemaphoreSlim> _locks = new();
    private readonly ITimer _timer;
    private bool _disposed;

    /// <summary>Listens for the ends of updates and ticks every <see cref="RetryDelay"/> for queued stations that were not connected.</summary>
    public FirmwareCampaigns(CsmsWriter writer, CsmsDatabase database, FirmwareBlock firmware, BackgroundWork background, TimeProvider time, ILogger<FirmwareCampaigns> logger, ICampaignPlacement? placement = null)
    {
        _placement = placement;
        ArgumentNullException.ThrowIfNull(firmware);
        ArgumentNullException.ThrowIfNull(time);
        _writer = writer;
        _database = database;
        _firmware = firmware;
        _background = background;
        _time = time;
        _logger = logger;
        firmware.CampaignChanged += Poke;
        // One-shot, armed again when a tick has run: a clock that jumps (a suspended VM, a test's fake clock) costs one
        // tick, not one per period it skipped.
        _timer = time.CreateTimer(_ => _background.Start("firmware campaigns tick", TickAsync), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the ticks and picks up the campaigns still running (after a restart); call once the database is migrated.</summary>
    public void Start()
    {
        _timer.Change(RetryDelay, Timeout.InfiniteTimeSpan);
        _background.Start("firmware campaigns resume", ResumeAsync);
    }

    /// <inheritdoc/>
    public async Task<FirmwareCampaignRecord> StartAsync(string name, FirmwareRecord firmware, IReadOnlyList<string> stationIds, int maxConcurrent, int maxFailurePercent, FirmwareBlock.Schedule schedule, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(firmware);
        ArgumentNullException.ThrowIfNull(stationIds);
        ArgumentNullException.ThrowIfNull(schedule);
        var campaign = new FirmwareCampaignRecord
        {
            Name = name,
            FirmwareId = firmware.Id,
            MaxConcurrent = maxConcurrent,
            MaxFailurePercent = maxFailurePercent,
            State = Running,
            RetrieveDateTime = schedule.RetrieveDateTime,
            InstallDateTime = schedule.InstallDateTime,
            Retries = schedule.Retries,
            RetryInterval = schedule.RetryInterval,
            CreatedAt = _time.GetUtcNow(),
        };
        await _writer.ExecuteAsync(async db =>
        {
            db.FirmwareCampaigns.Add(campaign);
            await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            foreach (var stationId in stationIds.Distinct(StringComparer.Ordinal))
            {
                db.FirmwareUpdates.Add(_firmware.NewUpdate(stationId, firmware.Id, campaign.Id, schedule, FirmwareBlock.Queued));
            }
        }, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("Firmware campaign {CampaignId} ({Name}) started: firmware {Version} to {Count} stations, {Max} at once", campaign.Id, name, firmware.Version, stationIds.Count, maxConcurrent);
        Poke(campaign.Id);
        return campaign;
    }

    /// <inheritdoc/>
    public Task<bool> StopAsync(long campaignId, string reason, CancellationToken cancellationToken) =>
        _placement is null ? StopHereAsync(campaignId, reason, cancellationToken) : _placement.StopAsync(campaignId, reason, cancellationToken);

    /// <inheritdoc/>
    public Task AdvanceAsync(long campaignId, CancellationToken cancellationToken) =>
        _placement is null ? AdvanceHereAsync(campaignId, cancellationToken) : _placement.AdvanceAsync(campaignId, cancellationToken);

    /// <summary>Stops the campaign in this process (the placement's call where it placed the campaign).</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="reason">Why, stored with it.</param>
    /// <param name="cancellationToken">Stops the wait for the campaign's lock.</param>
    public async Task<bool> StopHereAsync(long campaignId, string reason, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(campaignId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await StopLockedAsync(campaignId, reason).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Advances the campaign in this process (the placement's call where it placed the campaign).</summary>
    /// <param name="campaignId">The campaign.</param>
    /// <param name="cancellationToken">Stops the advance (the host stops).</param>
    public async Task AdvanceHereAsync(long campaignId, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(campaignId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (await StepAsync(campaignId, cancellationToken).ConfigureAwait(false))
            {
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Stops the ticks.</summary>
    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        _timer.Dispose();
    }

    /// <summary>A tick: the running campaigns are advanced, then the next tick is armed <see cref="RetryDelay"/> later.</summary>
    private async Task TickAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ResumeAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!Volatile.Read(ref _disposed))
            {
                _timer.Change(RetryDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Advances the campaign in the background (an update of it ended, a station of it booted).</summary>
    private void Poke(long campaignId) => _background.Start($"firmware campaign {campaignId}", ct => AdvanceAsync(campaignId, ct));

    private async Task ResumeAsync(CancellationToken cancellationToken)
    {
        List<long> running;
        var db = _database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            running = await db.FirmwareCampaigns.AsNoTracking().Where(c => c.State == Running).Select(c => c.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var id in running)
        {
            await AdvanceAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One look at the campaign; true when it sent an update that failed at once, so another look is due.</summary>
    private async Task<bool> StepAsync(long campaignId, CancellationToken cancellationToken)
    {
        FirmwareCampaignRecord? campaign;
        List<FirmwareUpdateRecord> updates;
        FirmwareRecord? firmware;
        var db = _database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            campaign = await db.FirmwareCampaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken).ConfigureAwait(false);
            if (campaign is null || campaign.State != Running)
            {
                return false;
            }

            updates = await db.FirmwareUpdates.AsNoTracking().Where(u => u.CampaignId == campaignId).OrderBy(u => u.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            firmware = await db.Firmware.AsNoTracking().FirstOrDefaultAsync(f => f.Id == campaign.FirmwareId, cancellationToken).ConfigureAwait(false);
        }

        var failed = updates.Count(u => u.State == FirmwareBlock.Failed);
        if (firmware is null)
        {
            await StopLockedAsync(campaignId, "its firmware was deleted").ConfigureAwait(false);
            return false;
        }

        if (updates.Count > 0 && failed * 100 > campaign.MaxFailurePercent * updates.Count)
        {
            await StopLockedAsync(campaignId, $"{failed} of {updates.Count} stations failed, more than {campaign.MaxFailurePercent}%").ConfigureAwait(false);
            return false;
        }

        var active = updates.Count(u => u.State is FirmwareBlock.Sent or FirmwareBlock.InProgress);
        var queued = updates.Where(u => u.State == FirmwareBlock.Queued).ToList();
        if (active == 0 && queued.Count == 0)
        {
            await FinishCampaignAsync(campaignId, Completed, null).ConfigureAwait(false);
            return false;
        }

        var now = _time.GetUtcNow();
        var again = false;
        foreach (var update in queued.Where(u => u.NextAttemptAt is null || u.NextAttemptAt <= now))
        {
            if (active >= campaign.MaxConcurrent)
            {
                break;
            }

            try
            {
                var sent = await _firmware.SendAsync(update, firmware, cancellationToken).ConfigureAwait(false);
                if (sent.State == FirmwareBlock.Failed)
                {
                    again = true;
                    break; // the failure count changed: look again before sending more
                }

                active++;
            }
            catch (StationNotConnectedException)
            {
                await _firmware.FinishAsync(update.Id, update.StationId, FirmwareBlock.Queued, "not connected; waiting for it to connect", now + RetryDelay, null).ConfigureAwait(false);
            }
        }

        return again;
    }

    private async Task<bool> StopLockedAsync(long campaignId, string reason)
    {
        var stopped = await FinishCampaignAsync(campaignId, Stopped, reason).ConfigureAwait(false);
        if (stopped)
        {
            _logger.LogWarning("Firmware campaign {CampaignId} stopped: {Reason}", campaignId, reason);
        }

        return stopped;
    }

    private Task<bool> FinishCampaignAsync(long campaignId, string state, string? reason)
    {
        var now = _time.GetUtcNow();
        return _writer.ExecuteAsync(async db =>
        {
            var campaign = await db.FirmwareCampaigns.FirstOrDefaultAsync(c => c.Id == campaignId, CancellationToken.None).ConfigureAwait(false);
            if (campaign is null || campaign.State != Running)
            {
                return false;
            }

            campaign.State = state;
            campaign.StopReason = reason;
            campaign.FinishedAt = now;
            if (state == Stopped)
            {
                foreach (var update in await db.FirmwareUpdates.Where(u => u.CampaignId == campaignId && u.State == FirmwareBlock.Queued).ToListAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    update.State = FirmwareBlock.Skipped;
                    update.FailureReason = "the campaign stopped: " + reason;
                    update.FinishedAt = now;
                }
            }

            return true;
        });
    }
}
