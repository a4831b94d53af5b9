using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Sites;

/// <summary>The balancer's settings (Csms:SmartCharging:Balancer).</summary>
public sealed class SiteBalancerOptions
{
    /// <summary>An increase of an allocation is sent only when it is more than this, in A (a decrease always is).</summary>
    public decimal Threshold { get; set; } = 1m;

    /// <summary>The stackLevel of the balancer's TxProfile and TxDefaultProfile, reserved for it (within the stations' SmartChargingCtrlr.ProfileStackLevel, 10 on Ohm.Station).</summary>
    public int StackLevel { get; set; } = 8;

    /// <summary>The first chargingProfile id of the balancer's profiles (TxProfile: base + EVSE, TxDefaultProfile: base + 500 + EVSE).</summary>
    public int ProfileIdBase { get; set; } = 900_000;
}

/// <summary>What the API shows of a site's allocation now.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="Limit">The limit in force, A per phase (schedule and margin applied).</param>
/// <param name="At">When it was computed.</param>
/// <param name="Evses">Per EVSE.</param>
public sealed record SiteAllocationView(string SiteId, decimal Limit, DateTimeOffset At, IReadOnlyList<EvseAllocationView> Evses);

/// <summary>One EVSE of a site's allocation.</summary>
/// <param name="StationId">The station.</param>
/// <param name="EvseId">The EVSE.</param>
/// <param name="SiteId">The site it is a member of.</param>
/// <param name="State">Idle, Charging, SuspendedEV, Paused or Offline.</param>
/// <param name="Allocated">A per phase.</param>
/// <param name="Measured">A per phase, as measured last; null when unknown.</param>
/// <param name="TransactionId">Its transaction, if any.</param>
/// <param name="EnergyAmountWh">K15: the energy the EV asked for, if it told.</param>
/// <param name="DepartureTime">K15: when the EV leaves, if it told.</param>
/// <param name="RequiredCurrent">The current that would meet its needs by its departure, A per phase.</param>
public sealed record EvseAllocationView(string StationId, int EvseId, string SiteId, string State, decimal Allocated, decimal? Measured, string? TransactionId,
    decimal? EnergyAmountWh, DateTimeOffset? DepartureTime, decimal? RequiredCurrent);

/// <summary>
/// The load balancer of the sites (<see cref="SiteRecord"/>): told by the blocks of what changes (<see cref="ISmartChargingSignals"/>),
/// it recomputes the root site concerned (<see cref="SiteAllocator"/>) from the database and sends each EVSE a TxProfile (its
/// transaction's allocation) or a TxDefaultProfile (the site's fallback, no transaction) through
/// <see cref="IChargingProfileSender"/>. Work runs in <see cref="BackgroundWork"/>, never in a station's handler; one
/// computation per root site at a time (a signal during one runs it again after), so at most one SetChargingProfile per
/// EVSE is pending and the latest allocation wins. Decreases are sent (and answered) before increases.
/// State that must be one per cluster: the per-site run flags, the last sent allocations and the offline times kept here.
/// With an <see cref="ISiteBalancePlacement"/> (a cluster) each root's balance runs where the placement puts it (one grain
/// per root site), which calls <see cref="RunHere"/> on its node; a node that takes a root over (<see cref="Adopt"/>)
/// forgets what it may have known of it and rebuilds it from the database, so its first balance sends every profile again.
/// </summary>
public sealed class SiteBalancer(CsmsDatabase database, CsmsWriter writer, IStationCallRouter router, Lazy<IChargingProfileSender> sender, BackgroundWork background,
    TimeProvider time, ILogger<SiteBalancer> logger, SiteBalancerOptions? options = null, ISiteBalancePlacement? placement = null) : ISmartChargingSignals, IDisposable
{
    private const decimal Epsilon = 0.05m;
    private readonly SiteBalancerOptions _options = options ?? new SiteBalancerOptions();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SiteRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Station, int Evse), Sent> _sent = new();
    private readonly ConcurrentDictionary<(string Station, int Evse), decimal> _lastStored = new();
    private readonly ConcurrentDictionary<(string Station, int Evse), decimal> _sending = new();
    private readonly ConcurrentDictionary<(string Station, int Evse), (string TransactionId, string? State)> _lastState = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _offlineSince = new(StringComparer.Ordinal);
    private readonly HashSet<string> _adopted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _released = new(StringComparer.Ordinal);
    private volatile RootsOfStations? _rootsOfStation;

    /// <summary>Whether a computation runs or waits to run (a test waits for the balancer to settle this way).</summary>
    public bool IsBusy
    {
        get
        {
            lock (_lock)
            {
                return _runs.Values.Any(r => r.Running);
            }
        }
    }

    /// <summary>The SetChargingProfile calls waiting for an answer, as "station/evse=limit" (diagnostics).</summary>
    public string Pending => string.Join(", ", _sending.Select(p => $"{p.Key.Station}/{p.Key.Evse}={p.Value}"));

    /// <summary>Told after each computation of a root site (for tests and the live view).</summary>
    public event Action<SiteAllocationView>? Computed;

    /// <inheritdoc/>
    public void TransactionChanged(string stationId, int? evseId) => Request(stationId);

    /// <inheritdoc/>
    public void MeterValuesStored(string stationId, int? evseId) => Request(stationId);

    /// <inheritdoc/>
    public void ConnectionChanged(string stationId, bool connected)
    {
        var change = new SiteStationChange(stationId, connected, time.GetUtcNow());
        if (placement is null)
        {
            Apply(change);
            Request(stationId);
            return;
        }

        foreach (var root in RootsOf(stationId))
        {
            placement.Request(root, change);
        }
    }

    /// <summary>
    /// Runs a balance of <paramref name="rootSiteId"/> in this process, <paramref name="change"/> applied first: called by
    /// the <see cref="ISiteBalancePlacement"/> where it placed the root (without one, the balancer calls it itself).
    /// </summary>
    public void RunHere(string rootSiteId, SiteStationChange? change)
    {
        if (change is not null)
        {
            Apply(change);
        }

        RequestRoot(rootSiteId);
    }

    /// <summary>
    /// This process takes over the balance of <paramref name="rootSiteId"/> (a cluster placed it here): what it knew of the
    /// root's EVSEs may be stale (another node balanced them since), so it is forgotten at the next balance and rebuilt
    /// from the database (the last allocations stored, when each station not connected left); every profile is sent again.
    /// </summary>
    public void Adopt(string rootSiteId)
    {
        lock (_lock)
        {
            _adopted.Add(rootSiteId);
            _released.Remove(rootSiteId);
        }
    }

    /// <summary>
    /// This process no longer balances <paramref name="rootSiteId"/> (a cluster moved it away, or this node stops): its
    /// run ends at its next step, its wake timer is stopped, and it is not run here again until adopted again.
    /// </summary>
    public void Release(string rootSiteId)
    {
        lock (_lock)
        {
            _released.Add(rootSiteId);
            if (_runs.TryGetValue(rootSiteId, out var run))
            {
                run.Timer?.Dispose();
                run.Timer = null;
                run.Dirty = false;
            }
        }
    }

    private bool IsReleased(string root)
    {
        lock (_lock)
        {
            return _released.Contains(root);
        }
    }

    /// <summary>Ends a run of a root this process released (see <see cref="Release"/>).</summary>
    private void ThrowIfReleased(string root)
    {
        if (IsReleased(root))
        {
            throw new OperationCanceledException($"The balance of site {root} was released by this process.");
        }
    }

    private void Apply(SiteStationChange change)
    {
        if (change.Connected)
        {
            _offlineSince.TryRemove(change.StationId, out _);

            // A station that (re)connects gets its profiles again: it may have lost them.
            foreach (var key in _sent.Keys.Where(k => k.Station == change.StationId).ToList())
            {
                _sent.TryRemove(key, out _);
            }
        }
        else
        {
            _offlineSince[change.StationId] = change.At;
        }
    }

    /// <inheritdoc/>
    public bool ChargingNeedsStored(string stationId, int evseId, string transactionId)
    {
        var onSite = RootsOf(stationId).Count > 0;
        Request(stationId);
        return onSite;
    }

    /// <summary>The sites, members or limits changed (API): memberships are read again and <paramref name="siteId"/>'s root recomputed.</summary>
    public void SitesChanged(string? siteId)
    {
        _rootsOfStation = null;
        if (siteId is not null)
        {
            background.Start("site balance " + siteId, async ct =>
            {
                var root = await RootOfAsync(siteId, ct).ConfigureAwait(false);
                if (root is not null)
                {
                    Place(root);
                }
            });
        }
    }

    /// <summary>
    /// The allocation of <paramref name="siteId"/> as it would be computed now (nothing is sent); null for no such site.
    /// With a placement (a cluster) it is computed where the site's balance runs, from that node's memory of it.
    /// </summary>
    public async Task<SiteAllocationView?> ViewAsync(string siteId, CancellationToken cancellationToken)
    {
        var root = await RootOfAsync(siteId, cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return null;
        }

        return placement is null
            ? await ViewHereAsync(root, siteId, cancellationToken).ConfigureAwait(false)
            : await placement.ViewAsync(root, siteId, () => ViewHereAsync(root, siteId, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The allocation of <paramref name="siteId"/> (of the tree of <paramref name="rootSiteId"/>) computed in this process,
    /// from its memory of the site; called by the placement where the root's balance runs.
    /// </summary>
    public async Task<SiteAllocationView?> ViewHereAsync(string rootSiteId, string siteId, CancellationToken cancellationToken)
    {
        var computed = await ComputeAsync(rootSiteId, cancellationToken).ConfigureAwait(false);
        if (computed is null)
        {
            return null;
        }

        var subtree = computed.Subtree(siteId);
        return computed.View with { SiteId = siteId, Limit = computed.Limits[siteId], Evses = [.. computed.View.Evses.Where(e => subtree.Contains(e.SiteId))] };
    }

    /// <summary>Stops the timers.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var run in _runs.Values)
            {
                run.Timer?.Dispose();
            }

            _runs.Clear();
        }
    }

    private void Request(string stationId)
    {
        foreach (var root in RootsOf(stationId))
        {
            Place(root);
        }
    }

    /// <summary>A balance of <paramref name="root"/>, wherever it runs.</summary>
    private void Place(string root)
    {
        if (placement is null)
        {
            RequestRoot(root);
        }
        else
        {
            placement.Request(root, null);
        }
    }

    private void RequestRoot(string root)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(root, out var run))
            {
                _runs[root] = run = new SiteRun();
            }

            if (_released.Contains(root))
            {
                return;
            }

            if (run.Running)
            {
                run.Dirty = true;
                return;
            }

            run.Running = true;
        }

        background.Start("site balance " + root, ct => RunAsync(root, ct));
    }

    private async Task RunAsync(string root, CancellationToken cancellationToken)
    {
        var again = true;
        try
        {
            while (again)
            {
                await BalanceAsync(root, cancellationToken).ConfigureAwait(false);
                again = Continue(root, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (IsReleased(root))
        {
            logger.LogDebug("Site balancer: the run of {SiteId} ended, this process released the site", root);
        }
        finally
        {
            // A failed computation ends the run (BackgroundWork logs it); the next request starts another.
            if (again)
            {
                lock (_lock)
                {
                    if (_runs.TryGetValue(root, out var run))
                    {
                        run.Running = run.Dirty = false;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether the run of <paramref name="root"/> computes again: it was requested while it ran. Not once the host stops,
    /// nor once the balancer is disposed (its runs are gone).
    /// </summary>
    private bool Continue(string root, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(root, out var run))
            {
                return false;
            }

            run.Running = run.Dirty && !cancellationToken.IsCancellationRequested;
            run.Dirty = false;
            return run.Running;
        }
    }

    private HashSet<string> RootsOf(string stationId)
    {
        var cached = _rootsOfStation;
        if (cached is not null && placement?.MembershipLifetime is { } lifetime && time.GetUtcNow() - cached.ReadAt >= lifetime)
        {
            cached = null;
        }

        var map = cached?.Roots;
        if (map is null)
        {
            using var db = database.CreateContext();
            var sites = db.Sites.AsNoTracking().Select(s => new { s.Id, s.ParentSiteId }).ToList().ToDictionary(s => s.Id, s => s.ParentSiteId, StringComparer.Ordinal);
            map = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            foreach (var member in db.SiteMembers.AsNoTracking().ToList())
            {
                if (!map.TryGetValue(member.StationId, out var roots))
                {
                    map[member.StationId] = roots = new HashSet<string>(StringComparer.Ordinal);
                }

                roots.Add(Root(sites, member.SiteId));
            }

            _rootsOfStation = new RootsOfStations(map, time.GetUtcNow());
        }

        return map.TryGetValue(stationId, out var found) ? found : [];
    }

    private static string Root(Dictionary<string, string?> parents, string siteId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var id = siteId;
        while (seen.Add(id) && parents.TryGetValue(id, out var parent) && parent is not null && parents.ContainsKey(parent))
        {
            id = parent;
        }

        return id;
    }

    private async Task<string?> RootOfAsync(string siteId, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var sites = (await db.Sites.AsNoTracking().Select(s => new { s.Id, s.ParentSiteId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.Id, s => s.ParentSiteId, StringComparer.Ordinal);
        return sites.ContainsKey(siteId) ? Root(sites, siteId) : null;
    }

    private async Task BalanceAsync(string root, CancellationToken cancellationToken)
    {
        bool adopted;
        lock (_lock)
        {
            adopted = _adopted.Remove(root);
        }

        if (adopted)
        {
            await ForgetAsync(root, cancellationToken).ConfigureAwait(false);
        }

        ThrowIfReleased(root);
        var computed = await ComputeAsync(root, cancellationToken).ConfigureAwait(false);
        if (computed is null)
        {
            return;
        }

        ThrowIfReleased(root);

        ScheduleWake(root, computed.NextWake);
        await StoreHistoryAsync(root, computed, cancellationToken).ConfigureAwait(false);

        // What to send: the allocations that changed (a decrease always, an increase above the threshold), the fallback
        // TxDefaultProfile to the EVSEs without a transaction once per connection.
        var decreases = new List<Func<Task>>();
        var increases = new List<Func<Task>>();
        foreach (var (evse, allocation) in computed.Evses.Zip(computed.Allocations))
        {
            ThrowIfReleased(root);
            if (evse.State == EvseLoadState.Offline || !await router.IsConnectedAsync(evse.StationId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var key = (evse.StationId, evse.EvseId);
            _sent.TryGetValue(key, out var sent);
            var site = computed.Sites[evse.SiteId];
            var threshold = site.Threshold ?? _options.Threshold;
            if (evse.TransactionId is null)
            {
                if (sent is null || sent.TransactionId is not null || sent.Limit != site.FallbackCurrent)
                {
                    var limit = site.FallbackCurrent;
                    increases.Add(() => SendAsync(evse.StationId, evse.EvseId, null, limit, cancellationToken));
                }

                continue;
            }

            var target = allocation.Allocated;
            var changed = sent is null || sent.TransactionId != evse.TransactionId
                || target < sent.Limit - Epsilon
                || target > sent.Limit + threshold
                || (sent.Limit == 0m && target > 0m)
                || (target >= MaxOf(evse) && sent.Limit < target - Epsilon);
            if (!changed)
            {
                continue;
            }

            var send = () => SendAsync(evse.StationId, evse.EvseId, evse.TransactionId, target, cancellationToken);
            if (sent is not null && target < sent.Limit)
            {
                decreases.Add(send);
            }
            else
            {
                increases.Add(send);
            }
        }

        await Task.WhenAll(decreases.Select(d => d())).ConfigureAwait(false);
        await Task.WhenAll(increases.Select(i => i())).ConfigureAwait(false);
        Computed?.Invoke(computed.View);
    }

    private static decimal MaxOf(EvseLoadInfo evse) => evse.Load.MaxCurrent;

    private async Task SendAsync(string stationId, int evseId, string? transactionId, decimal limit, CancellationToken cancellationToken)
    {
        var profile = new ChargingProfileType
        {
            Id = _options.ProfileIdBase + (transactionId is null ? 500 : 0) + evseId,
            StackLevel = _options.StackLevel,
            ChargingProfilePurpose = transactionId is null ? ChargingProfilePurposeEnumType.TxDefaultProfile : ChargingProfilePurposeEnumType.TxProfile,
            ChargingProfileKind = ChargingProfileKindEnumType.Absolute,
            TransactionId = transactionId,
            ChargingSchedule =
            [
                new ChargingScheduleType
                {
                    Id = evseId,
                    StartSchedule = time.GetUtcNow(),
                    ChargingRateUnit = ChargingRateUnitEnumType.A,
                    ChargingSchedulePeriod = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = limit }],
                },
            ],
        };
        _sending[(stationId, evseId)] = limit;
        var result = await sender.Value.SetChargingProfileAsync(stationId, evseId, profile, cancellationToken).ConfigureAwait(false);
        _sending.TryRemove((stationId, evseId), out _);
        if (result.Accepted)
        {
            _sent[(stationId, evseId)] = new Sent(transactionId, limit, time.GetUtcNow());
        }
        else
        {
            // Not remembered: the next computation tries again.
            _sent.TryRemove((stationId, evseId), out _);
            logger.LogWarning("Site balancer: {Purpose} of {Limit} A for EVSE {EvseId} of {StationId} was not accepted: {Status} {Detail}",
                profile.ChargingProfilePurpose, limit, evseId, stationId, result.Status, result.Detail);
        }
    }

    private async Task StoreHistoryAsync(string root, Computation computed, CancellationToken cancellationToken)
    {
        var rows = new List<SiteAllocationRecord>();
        foreach (var (evse, view) in computed.Evses.Zip(computed.View.Evses))
        {
            var key = (evse.StationId, evse.EvseId);
            if (_lastStored.TryGetValue(key, out var last) && last == view.Allocated)
            {
                continue;
            }

            _lastStored[key] = view.Allocated;
            rows.Add(new SiteAllocationRecord
            {
                SiteId = evse.SiteId,
                StationId = evse.StationId,
                EvseId = evse.EvseId,
                At = computed.View.At,
                Allocated = view.Allocated,
                Measured = view.Measured,
                Limit = computed.Limits[root],
                State = view.State,
                TransactionId = view.TransactionId,
            });
        }

        if (rows.Count > 0)
        {
            await writer.ExecuteAsync(async db =>
            {
                db.SiteAllocations.AddRange(rows);
                await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forgets what this process knew of the stations of <paramref name="root"/>'s tree (it was adopted: another node may
    /// have balanced them since) and reads back from the database when each station that is not connected left.
    /// </summary>
    private async Task ForgetAsync(string root, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var sites = (await db.Sites.AsNoTracking().Select(s => new { s.Id, s.ParentSiteId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.Id, s => s.ParentSiteId, StringComparer.Ordinal);
        var stations = (await db.SiteMembers.AsNoTracking().Select(m => new { m.StationId, m.SiteId }).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(m => Root(sites, m.SiteId) == root).Select(m => m.StationId).ToHashSet(StringComparer.Ordinal);
        foreach (var key in _sent.Keys.Concat(_lastStored.Keys).Concat(_lastState.Keys).Where(k => stations.Contains(k.Station)).ToList())
        {
            _sent.TryRemove(key, out _);
            _lastStored.TryRemove(key, out _);
            _lastState.TryRemove(key, out _);
        }

        foreach (var stationId in stations)
        {
            _offlineSince.TryRemove(stationId, out _);
            ThrowIfReleased(root);
            if (await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var left = await db.Connections.AsNoTracking().Where(c => c.StationId == stationId).OrderByDescending(c => c.Id)
                .Select(c => c.DisconnectedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (left is { } at)
            {
                _offlineSince.TryAdd(stationId, at);
            }
        }
    }

    private void ScheduleWake(string root, TimeSpan? wake)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(root, out var run))
            {
                return; // disposed: no timers any more
            }

            run.Timer?.Dispose();
            run.Timer = wake is { } due ? time.CreateTimer(_ => Place(root), null, due < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : due, Timeout.InfiniteTimeSpan) : null;
        }
    }

    /// <summary>Reads the root site's tree and its EVSEs and allocates; null when the site is gone.</summary>
    private async Task<Computation?> ComputeAsync(string root, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var db = database.CreateContext();
        await using var dbDisposal = db.ConfigureAwait(false);
        var allSites = await db.Sites.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var tree = new Dictionary<string, SiteRecord>(StringComparer.Ordinal);
        if (allSites.FirstOrDefault(s => s.Id == root) is not { } rootSite)
        {
            return null;
        }

        tree[root] = rootSite;
        for (var added = true; added;)
        {
            added = false;
            foreach (var s in allSites.Where(s => s.ParentSiteId is not null && tree.ContainsKey(s.ParentSiteId) && !tree.ContainsKey(s.Id)))
            {
                tree[s.Id] = s;
                added = true;
            }
        }

        var ids = tree.Keys.ToList();
        var members = await db.SiteMembers.AsNoTracking().Where(m => ids.Contains(m.SiteId)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var periods = (await db.SiteLimitPeriods.AsNoTracking().Where(p => ids.Contains(p.SiteId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(p => p.SiteId, StringComparer.Ordinal);
        var priorities = (await db.SitePriorities.AsNoTracking().Where(p => ids.Contains(p.SiteId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(p => p.SiteId, StringComparer.Ordinal);
        var stations = members.Select(m => m.StationId).Distinct().ToList();
        var transactions = await db.Transactions.AsNoTracking().Where(t => stations.Contains(t.StationId) && t.State == "Active" && t.EvseId != null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var knownEvses = (await db.ConnectorStatuses.AsNoTracking().Where(c => stations.Contains(c.StationId) && c.Current && c.EvseId > 0)
            .Select(c => new { c.StationId, c.EvseId }).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(c => c.StationId, c => c.EvseId, StringComparer.Ordinal);

        // Limits in force, A per phase.
        var nextWake = (TimeSpan?)null;
        var limits = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var site in tree.Values)
        {
            var zone = Zone(site.TimeZone);
            var local = TimeZoneInfo.ConvertTime(now, zone);
            var sitePeriods = periods[site.Id].ToList();
            var limit = SiteAllocator.ScheduledLimit([.. sitePeriods.Select(p => (p.StartMinute, p.Limit))], TimeOnly.FromDateTime(local.DateTime), site.Limit);
            limits[site.Id] = SiteAllocator.EffectiveLimit(limit, site.LimitUnit == SiteLimitUnit.W, site.Voltage, site.Phases, site.MarginPercent, site.MarginAbsolute);
            nextWake = Min(nextWake, SiteAllocator.UntilNextPeriodEdge([.. sitePeriods.Select(p => p.StartMinute)], TimeOnly.FromDateTime(local.DateTime)));
        }

        // The EVSEs: a member EVSE, or every EVSE of a member station (known from connector statuses, transactions, or its count).
        var evses = new List<EvseLoadInfo>();
        var seen = new HashSet<(string, int)>();
        foreach (var member in members.OrderBy(m => m.EvseId is null ? 1 : 0).ThenBy(m => m.StationId, StringComparer.Ordinal))
        {
            var site = tree[member.SiteId];
            IEnumerable<int> evseIds = member.EvseId is { } one
                ? [one]
                : knownEvses[member.StationId].Concat(transactions.Where(t => t.StationId == member.StationId).Select(t => t.EvseId!.Value))
                    .Concat(Enumerable.Range(1, member.EvseCount ?? 0)).Distinct().Order();
            foreach (var evseId in evseIds)
            {
                if (!seen.Add((member.StationId, evseId)))
                {
                    continue;
                }

                var transaction = transactions.Where(t => t.StationId == member.StationId && t.EvseId == evseId).OrderByDescending(t => t.StartedAt).FirstOrDefault();
                var info = await LoadAsync(db, site, member, evseId, transaction, priorities[site.Id], now, cancellationToken).ConfigureAwait(false);
                evses.Add(info);
                if (info.Load.State == EvseLoadState.Offline && !info.Load.FallbackApplies && _offlineSince.TryGetValue(member.StationId, out var since))
                {
                    nextWake = Min(nextWake, since.AddSeconds(site.OfflineFallbackSeconds) - now);
                }
            }
        }

        var nodes = tree.Values.Select(s => new SiteNode(s.Id, s.Id == root ? null : s.ParentSiteId, limits[s.Id])).ToList();
        var allocations = SiteAllocator.Allocate(nodes, [.. evses.Select(e => e.Load)]);
        var views = evses.Zip(allocations).Select(p => new EvseAllocationView(p.First.StationId, p.First.EvseId, p.First.SiteId,
            p.Second.Paused ? "Paused" : p.First.State.ToString(), p.Second.Allocated, p.First.Load.Measured, p.First.TransactionId,
            p.First.EnergyAmountWh, p.First.DepartureTime, p.First.Load.RequiredCurrent)).ToList();
        return new Computation(tree, limits, evses, allocations, new SiteAllocationView(root, limits[root], now, views), nextWake);
    }

    private async Task<EvseLoadInfo> LoadAsync(CsmsDbContext db, SiteRecord site, SiteMemberRecord member, int evseId, TransactionRecord? transaction,
        IEnumerable<SitePriorityRecord> priorities, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stationId = member.StationId;
        var connected = await router.IsConnectedAsync(stationId, cancellationToken).ConfigureAwait(false);
        var previous = _sent.TryGetValue((stationId, evseId), out var sent) ? sent.Limit : (decimal?)null;
        if (previous is null && !connected)
        {
            previous = await db.SiteAllocations.AsNoTracking().Where(a => a.StationId == stationId && a.EvseId == evseId)
                .OrderByDescending(a => a.Id).Select(a => (decimal?)a.Allocated).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        }

        // A paused EV (given 0) reads SuspendedEVSE whatever the EV wants: it keeps the state it had before the pause, so
        // that pausing an EV that had stopped drawing does not make it look like one that wants to charge (no flapping).
        var reported = transaction?.ChargingState;
        if (transaction is not null)
        {
            if (reported == "SuspendedEVSE" && sent is { Limit: 0m } && _lastState.TryGetValue((stationId, evseId), out var before) && before.TransactionId == transaction.TransactionId)
            {
                reported = before.State;
            }
            else
            {
                _lastState[(stationId, evseId)] = (transaction.TransactionId, reported);
            }
        }

        var state = !connected ? EvseLoadState.Offline
            : transaction is null ? EvseLoadState.Idle
            : reported == "SuspendedEV" ? EvseLoadState.SuspendedEV
            : EvseLoadState.Charging;
        var fallbackApplies = !connected && (!_offlineSince.TryGetValue(stationId, out var since) || now - since >= TimeSpan.FromSeconds(site.OfflineFallbackSeconds));
        decimal? measured = null;
        DateTimeOffset? measuredAt = null;
        decimal? energy = null;
        DateTimeOffset? departure = null;
        decimal? required = null;
        var min = site.MinCurrent;
        var max = member.MaxCurrent ?? site.MaxCurrent;
        var priority = 0;
        if (transaction is not null)
        {
            var document = await db.TransactionEvents.AsNoTracking().Where(e => e.TransactionRecordId == transaction.Id && e.MeterValues != null)
                .OrderByDescending(e => e.Id).Select(e => e.MeterValues).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            (measured, measuredAt) = Measured(document, site);
            if (transaction.IdToken is not null)
            {
                var group = await db.IdTokens.AsNoTracking().Where(t => t.IdToken == transaction.IdToken).Select(t => t.GroupIdToken).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                priority = priorities.FirstOrDefault(p => p.GroupIdToken == (group ?? transaction.IdToken))?.Priority ?? 0;
            }

            // K15/K17: the EV's needs, as the station last sent them for this transaction (stored by SmartCharging).
            var stored = await db.EvChargingNeeds.AsNoTracking()
                .Where(n => n.StationId == stationId && n.EvseId == evseId && n.TransactionId == transaction.TransactionId)
                .OrderByDescending(n => n.Id).Select(n => n.Needs).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (stored is not null && Parse(stored) is { } needs)
            {
                departure = needs.DepartureTime;
                if (needs.AcChargingParameters is { } ac)
                {
                    energy = ac.EnergyAmount;
                    min = Math.Max(min, ac.EvMinCurrent);
                    max = Math.Min(max, ac.EvMaxCurrent);
                }
                else if (needs.DcChargingParameters is { EnergyAmount: { } dcEnergy })
                {
                    energy = dcEnergy;
                }
            }

            if (energy is { } wh && departure is { } leaves)
            {
                var delivered = (transaction.MeterLastWh ?? 0m) - (transaction.MeterStartWh ?? 0m);
                var left = Math.Max(0m, wh - delivered);
                var hours = (decimal)Math.Max((leaves - now).TotalHours, 1.0 / 60);
                required = left <= 0m ? 0m : left / hours / (site.Voltage * site.Phases);
            }
        }

        var load = new EvseLoad
        {
            StationId = stationId,
            EvseId = evseId,
            SiteId = member.SiteId,
            State = state,
            MinCurrent = min,
            MaxCurrent = Math.Max(0m, max),
            // What it takes says something of the allocation only when measured after that was sent.
            Measured = sent is null || measuredAt > sent.At ? measured : null,
            PreviousAllocation = previous,
            FallbackApplies = fallbackApplies,
            FallbackCurrent = site.FallbackCurrent,
            Priority = priority,
            ArrivedAt = transaction?.StartedAt ?? now,
            RequiredCurrent = required is > 0m ? required : null,
        };
        return new EvseLoadInfo(load, transaction?.TransactionId, energy, departure);
    }

    private static ChargingNeedsType? Parse(string needs)
    {
        try
        {
            return JsonSerializer.Deserialize(needs, Ohm.Ocpp.Messages.OcppJsonContext.Default.ChargingNeedsType);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The current an EVSE draws per phase from its last meter values: Current.Import (highest phase), else Power.Active.Import.</summary>
    internal static (decimal? Amps, DateTimeOffset? At) Measured(string? document, SiteRecord site)
    {
        if (document is null)
        {
            return (null, null);
        }

        List<MeterValueType>? values;
        try
        {
            values = JsonSerializer.Deserialize(document, Ohm.Ocpp.Messages.OcppJsonContext.Default.ListMeterValueType);
        }
        catch (JsonException)
        {
            return (null, null);
        }

        var last = values?.OrderBy(v => v.Timestamp).LastOrDefault();
        if (last is null)
        {
            return (null, null);
        }

        var current = last.SampledValue.Where(s => s.Measurand == MeasurandEnumType.CurrentImport).Select(s => (decimal?)Scaled(s)).Max();
        if (current is not null)
        {
            return (Math.Round(current.Value, 2), last.Timestamp);
        }

        var power = last.SampledValue.Where(s => s.Measurand == MeasurandEnumType.PowerActiveImport && s.Phase is null).Select(s => (decimal?)Scaled(s)).FirstOrDefault();
        return (power is { } w && site.Voltage > 0 ? Math.Round(w / (site.Voltage * site.Phases), 2) : null, last.Timestamp);
    }

    private static decimal Scaled(SampledValueType value)
    {
        var multiplier = value.UnitOfMeasure?.Multiplier ?? 0;
        var v = value.Value;
        for (var i = 0; i < Math.Abs(multiplier); i++)
        {
            v = multiplier > 0 ? v * 10m : v / 10m;
        }

        return v;
    }

    private static TimeZoneInfo Zone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return TimeZoneInfo.Utc;
        }

        return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
    }

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private sealed class SiteRun
    {
        public bool Running { get; set; }

        public bool Dirty { get; set; }

        public ITimer? Timer { get; set; }
    }

    private sealed record Sent(string? TransactionId, decimal Limit, DateTimeOffset At);

    private sealed record RootsOfStations(Dictionary<string, HashSet<string>> Roots, DateTimeOffset ReadAt);

    private sealed record EvseLoadInfo(EvseLoad Load, string? TransactionId, decimal? EnergyAmountWh, DateTimeOffset? DepartureTime)
    {
        public string StationId => Load.StationId;

        public int EvseId => Load.EvseId;

        public string SiteId => Load.SiteId;

        public EvseLoadState State => Load.State;
    }

    private sealed record Computation(Dictionary<string, SiteRecord> Sites, Dictionary<string, decimal> Limits, List<EvseLoadInfo> Evses,
        IReadOnlyList<EvseAllocation> Allocations, SiteAllocationView View, TimeSpan? NextWake)
    {
        public HashSet<string> Subtree(string siteId)
        {
            var set = new HashSet<string>(StringComparer.Ordinal) { siteId };
            for (var added = true; added;)
            {
                added = false;
                foreach (var s in Sites.Values.Where(s => s.ParentSiteId is not null && set.Contains(s.ParentSiteId) && !set.Contains(s.Id)))
                {
                    added |= set.Add(s.Id);
                }
            }

            return set;
        }
    }
}
