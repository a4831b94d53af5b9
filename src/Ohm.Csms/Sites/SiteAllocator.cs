namespace Ohm.Csms.Sites;

/// <summary>How an EVSE of a site stands, for the allocation.</summary>
public enum EvseLoadState
{
    /// <summary>No transaction: it takes nothing (it keeps the site's TxDefaultProfile).</summary>
    Idle,

    /// <summary>A transaction whose EV draws or may draw (Charging, EVConnected, SuspendedEVSE).</summary>
    Charging,

    /// <summary>A transaction whose EV does not draw (chargingState SuspendedEV): it keeps its minimum if that fits.</summary>
    SuspendedEV,

    /// <summary>The station is offline: it counts with its last allocation, or its fallback once that applies.</summary>
    Offline,
}

/// <summary>A node of the site tree with its effective limit now, in A per phase (schedule, margin applied).</summary>
/// <param name="Id">The site's id.</param>
/// <param name="ParentId">The parent site's id, null for the root.</param>
/// <param name="Limit">The effective limit in A per phase.</param>
public sealed record SiteNode(string Id, string? ParentId, decimal Limit);

/// <summary>One EVSE as the allocator sees it.</summary>
public sealed record EvseLoad
{
    /// <summary>The station.</summary>
    public required string StationId { get; init; }

    /// <summary>The EVSE of the station.</summary>
    public required int EvseId { get; init; }

    /// <summary>The (innermost) site the EVSE is a member of.</summary>
    public required string SiteId { get; init; }

    /// <summary>How it stands.</summary>
    public required EvseLoadState State { get; init; }

    /// <summary>The smallest current its EV charges with (6 A AC).</summary>
    public decimal MinCurrent { get; init; } = 6m;

    /// <summary>The largest current it takes (EVSE, cable, EV maximum).</summary>
    public decimal MaxCurrent { get; init; } = 32m;

    /// <summary>The current it draws, as measured last (A per phase); null when unknown.</summary>
    public decimal? Measured { get; init; }

    /// <summary>The allocation it was given last (for an offline EVSE, what it still counts with).</summary>
    public decimal? PreviousAllocation { get; init; }

    /// <summary>For an offline EVSE: whether its fallback limit applies now (it has been offline long enough).</summary>
    public bool FallbackApplies { get; init; }

    /// <summary>The fallback limit (its TxDefaultProfile), A per phase.</summary>
    public decimal FallbackCurrent { get; init; }

    /// <summary>The priority of its token group: higher is paused later.</summary>
    public int Priority { get; init; }

    /// <summary>When its transaction started: of equal priority, the latest arrived is paused first.</summary>
    public DateTimeOffset ArrivedAt { get; init; }

    /// <summary>
    /// The current it needs to get its energy by its departure (K15 charging needs: energy left / time left), in A per
    /// phase; null when the EV told none.
    /// </summary>
    public decimal? RequiredCurrent { get; init; }
}

/// <summary>The allocation of one EVSE.</summary>
/// <param name="StationId">The station.</param>
/// <param name="EvseId">The EVSE.</param>
/// <param name="Allocated">The current it may draw, A per phase (0: paused).</param>
/// <param name="Fixed">Whether it was not allocated but counted as is (offline).</param>
/// <param name="Paused">Whether a charging EV was paused because its minimum did not fit.</param>
public sealed record EvseAllocation(string StationId, int EvseId, decimal Allocated, bool Fixed, bool Paused);

/// <summary>The tunables of the allocation.</summary>
public sealed record SiteAllocatorSettings
{
    /// <summary>An EV measured at this much below its previous allocation is taken to take less than offered.</summary>
    public decimal TakesLessTolerance { get; init; } = 1m;

    /// <summary>What an EV that takes less is still offered above its measured current (so that it can ramp up).</summary>
    public decimal Headroom { get; init; } = 2m;
}

/// <summary>
/// The allocation of a site's limit among its EVSEs: a pure function of the limits in force and the EVSEs' state.
/// Rules, in order:
/// <list type="number">
/// <item>Offline EVSEs count as a fixed load (their last allocation, their fallback once it applies); so do idle EVSEs (0).</item>
/// <item>Each EV gets at least its minimum or 0 (paused): charging EVs are admitted before suspended ones, by priority
/// (highest first), then by arrival (earliest first), while every enclosing site's limit has room for the minimum.</item>
/// <item>Deadline pass: admitted EVs with charging needs are filled towards the current that meets them, all to the same
/// fraction of it, so an EV that must leave earlier (a higher required current) gets more when it fits.</item>
/// <item>Fair pass: the rest is shared by water-filling (max-min fair) up to each EV's maximum; an EV measured taking less
/// than it was offered is offered only a little above what it takes, a SuspendedEV EV only its minimum, and what they
/// leave goes to the others. Nested sites bound the fill of their members.</item>
/// </list>
/// The sum of the allocations under each site never exceeds its limit (unless the fixed loads alone exceed it).
/// </summary>
public static class SiteAllocator
{
    private const int SearchSteps = 60;

    /// <summary>Allocates <paramref name="sites"/>' limits (a tree: the root and its descendants) among <paramref name="evses"/>.</summary>
    public static IReadOnlyList<EvseAllocation> Allocate(IReadOnlyList<SiteNode> sites, IReadOnlyList<EvseLoad> evses, SiteAllocatorSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(evses);
        settings ??= new SiteAllocatorSettings();
        var byId = sites.ToDictionary(s => s.Id, StringComparer.Ordinal);

        // The sites each EVSE counts in: its own and every ancestor.
        var chains = new List<string>[evses.Count];
        for (var i = 0; i < evses.Count; i++)
        {
            var chain = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var id = evses[i].SiteId; id is not null && byId.TryGetValue(id, out var node) && seen.Add(id); id = node.ParentId)
            {
                chain.Add(id);
            }

            chains[i] = chain;
        }

        var room = sites.ToDictionary(s => s.Id, s => Math.Max(0m, s.Limit), StringComparer.Ordinal);
        var result = new decimal[evses.Count];
        var isFixed = new bool[evses.Count];
        var paused = new bool[evses.Count];

        // 1. Fixed loads.
        for (var i = 0; i < evses.Count; i++)
        {
            var e = evses[i];
            if (e.State is EvseLoadState.Idle or EvseLoadState.Offline)
            {
                isFixed[i] = true;
                result[i] = e.State == EvseLoadState.Offline
                    ? Math.Max(0m, e.FallbackApplies ? e.FallbackCurrent : e.PreviousAllocation ?? e.FallbackCurrent)
                    : 0m;
                Take(room, chains[i], result[i]);
            }
        }

        // 2. Minimums, by admission order.
        var candidates = Enumerable.Range(0, evses.Count).Where(i => !isFixed[i])
            .OrderBy(i => evses[i].State == EvseLoadState.SuspendedEV ? 1 : 0)
            .ThenByDescending(i => evses[i].Priority)
            .ThenBy(i => evses[i].ArrivedAt)
            .ThenBy(i => evses[i].StationId, StringComparer.Ordinal)
            .ThenBy(i => evses[i].EvseId)
            .ToList();
        var admitted = new List<int>();
        foreach (var i in candidates)
        {
            var min = Math.Min(evses[i].MinCurrent, evses[i].MaxCurrent);
            if (min > 0m && chains[i].All(s => room[s] >= min))
            {
                result[i] = min;
                Take(room, chains[i], min);
                admitted.Add(i);
            }
            else
            {
                paused[i] = true;
                result[i] = 0m;
            }
        }

        // The most each admitted EV is offered.
        var cap = new decimal[evses.Count];
        foreach (var i in admitted)
        {
            var e = evses[i];
            var max = Math.Max(result[i], e.MaxCurrent);
            if (e.State == EvseLoadState.SuspendedEV)
            {
                max = result[i];
            }
            else if (e.Measured is { } measured && e.PreviousAllocation is { } previous && measured < previous - settings.TakesLessTolerance)
            {
                max = Math.Clamp(measured + settings.Headroom, result[i], max);
            }

            cap[i] = max;
        }

        // 3. Deadline pass: towards the required current, weighted by it.
        var needy = admitted.Where(i => evses[i].RequiredCurrent is > 0m && cap[i] > result[i]).ToList();
        if (needy.Count > 0)
        {
            var weights = needy.ToDictionary(i => i, i => evses[i].RequiredCurrent!.Value);
            var targets = needy.ToDictionary(i => i, i => Math.Min(cap[i], Math.Max(result[i], evses[i].RequiredCurrent!.Value)));
            Fill(needy, weights, targets, result, room, chains);
        }

        // 4. Fair pass: equal shares up to each cap.
        var open = admitted.Where(i => cap[i] > result[i]).ToList();
        if (open.Count > 0)
        {
            Fill(open, open.ToDictionary(i => i, _ => 1m), open.ToDictionary(i => i, i => cap[i]), result, room, chains);
        }

        return [.. Enumerable.Range(0, evses.Count).Select(i => new EvseAllocation(evses[i].StationId, evses[i].EvseId, Round(result[i]), isFixed[i], paused[i]))];
    }

    /// <summary>
    /// The limit in force at a node in A per phase: <paramref name="limit"/> (in <paramref name="unit"/>: W is converted
    /// at <paramref name="voltage"/> and <paramref name="phases"/>) less the margins (percent of it, and absolute in the
    /// same unit), never below 0.
    /// </summary>
    public static decimal EffectiveLimit(decimal limit, bool inWatts, decimal voltage, int phases, decimal marginPercent, decimal marginAbsolute)
    {
        var net = limit - (limit * marginPercent / 100m) - marginAbsolute;
        if (inWatts)
        {
            net = voltage > 0m && phases > 0 ? net / (voltage * phases) : 0m;
        }

        return Math.Max(0m, Math.Round(net, 3, MidpointRounding.ToZero));
    }

    /// <summary>
    /// The limit of a daily schedule at <paramref name="localTime"/>: the period whose start (minutes after midnight) is the
    /// latest at or before it, the last of the day before when none has started yet; <paramref name="fallback"/> without periods.
    /// </summary>
    public static decimal ScheduledLimit(IReadOnlyList<(int StartMinute, decimal Limit)> periods, TimeOnly localTime, decimal fallback)
    {
        ArgumentNullException.ThrowIfNull(periods);
        if (periods.Count == 0)
        {
            return fallback;
        }

        var minute = (localTime.Hour * 60) + localTime.Minute;
        var ordered = periods.OrderBy(p => p.StartMinute).ToList();
        var current = ordered[^1];
        foreach (var p in ordered)
        {
            if (p.StartMinute <= minute)
            {
                current = p;
            }
        }

        return current.Limit;
    }

    /// <summary>The next time after <paramref name="localNow"/> (local) at which a period starts, as minutes from now; null without periods.</summary>
    public static TimeSpan? UntilNextPeriodEdge(IReadOnlyList<int> startMinutes, TimeOnly localNow)
    {
        ArgumentNullException.ThrowIfNull(startMinutes);
        if (startMinutes.Count == 0)
        {
            return null;
        }

        var now = localNow.ToTimeSpan();
        var best = TimeSpan.MaxValue;
        foreach (var start in startMinutes)
        {
            var edge = TimeSpan.FromMinutes(start) - now;
            if (edge <= TimeSpan.Zero)
            {
                edge += TimeSpan.FromDays(1);
            }

            if (edge < best)
            {
                best = edge;
            }
        }

        return best;
    }

    private static void Take(Dictionary<string, decimal> room, List<string> chain, decimal amount)
    {
        foreach (var s in chain)
        {
            room[s] -= amount;
        }
    }

    /// <summary>
    /// Progressive filling: every EV in <paramref name="members"/> rises to max(current, weight x level) up to its target,
    /// the level rising until a site's room runs out (its members stop there) or every EV reaches its target.
    /// </summary>
    private static void Fill(List<int> members, Dictionary<int, decimal> weights, Dictionary<int, decimal> targets, decimal[] result, Dictionary<string, decimal> room, List<string>[] chains)
    {
        var active = new HashSet<int>(members);
        var start = members.ToDictionary(i => i, i => result[i]);
        while (active.Count > 0)
        {
            decimal At(int i, decimal level) => Math.Min(targets[i], Math.Max(start[i], weights[i] * level));

            // The highest level every site holds, and the sites that bind there.
            var maxLevel = active.Max(i => weights[i] > 0m ? targets[i] / weights[i] : 0m);
            var level = maxLevel;
            string? binding = null;
            foreach (var site in active.SelectMany(i => chains[i]).Distinct(StringComparer.Ordinal).ToList())
            {
                var inSite = active.Where(i => chains[i].Contains(site)).ToList();
                decimal Extra(decimal l) => inSite.Sum(i => At(i, l) - start[i]);
                if (Extra(maxLevel) <= room[site])
                {
                    continue;
                }

                decimal lo = 0m, hi = maxLevel;
                for (var step = 0; step < SearchSteps && hi - lo > 0.0000001m; step++)
                {
                    var mid = (lo + hi) / 2m;
                    if (Extra(mid) <= room[site])
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                if (lo < level)
                {
                    level = lo;
                    binding = site;
                }
            }

            foreach (var i in active)
            {
                var value = At(i, level);
                var add = value - start[i];
                Take(room, chains[i], add);
                result[i] = value;
                start[i] = value;
            }

            if (binding is null)
            {
                return;
            }

            // The binding site is full: its members stop; the others go on.
            active.RemoveWhere(i => chains[i].Contains(binding) || result[i] >= targets[i]);
        }
    }

    // Down to 0.1 A; the search stops a hair below the exact share, which the epsilon restores.
    private static decimal Round(decimal value) => Math.Max(0m, Math.Round(value + 0.000001m, 1, MidpointRounding.ToZero));
}
