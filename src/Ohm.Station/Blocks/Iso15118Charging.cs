using System.Globalization;
using System.Text;
using System.Text.Json;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>
/// K15-K17: ISO 15118 load levelling on the station. When a transaction runs for an authorized ISO 15118 EV (its needs
/// come through <see cref="IEvHighLevelCommunication"/>), the station sends NotifyEVChargingNeeds; on Accepted it waits for
/// the CSMS's TxProfile (the EV is told "processing", at most <see cref="ProfileWait"/>), on Processing or Rejected (or
/// offline) it goes on with the local limits. It offers the EV the schedule that applies (the EVSE's composite schedule,
/// which holds the TxProfile, with the TxProfile's other schedules as further SAScheduleTuples), checks that the profile the
/// EV returns stays within the schedule it chose, and reports that profile with NotifyEVChargingSchedule. A new TxProfile or
/// other changed limits later renegotiate with the EV (K16); the EV asking to renegotiate sends its new needs again (K17).
/// The TxProfile itself is applied by block K's smart charging (the power follows the composite schedule); this block only
/// negotiates.
/// </summary>
public sealed class Iso15118Charging
{
    /// <summary>How long the station keeps an EV waiting for the CSMS's schedule after Accepted (ISO 15118-2's 60 s for ChargeParameterDiscovery).</summary>
    public static readonly TimeSpan ProfileWait = TimeSpan.FromSeconds(60);

    /// <summary>The longest schedule offered when the EV gives no departure time, in s (ISO 15118-2: 24 h).</summary>
    public const int MaxScheduleSeconds = 86400;

    private readonly IStationContext _context;
    private readonly Transactions _transactions;
    private readonly ICompositeSchedules _schedules;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Session> _sessions = [];
    private readonly HashSet<int> _plugged = [];
    private TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Iso15118Charging(IStationContext context, Transactions transactions, ICompositeSchedules schedules)
    {
        _context = context;
        _transactions = transactions;
        _schedules = schedules;
        transactions.Evaluated += OnEvaluated;
        transactions.Ended += OnEnded;
        transactions.Answered += OnTransactionEventAnswered;
        schedules.Changed += OnSchedulesChanged;
        if (context.Hardware.HighLevelCommunication is { } hlc)
        {
            hlc.RenegotiationRequested += OnRenegotiationRequested;
        }
    }

    private IEvHighLevelCommunication? Hlc => _context.Hardware.HighLevelCommunication;

    /// <summary>Whether ISO 15118 load levelling is on (ISO15118Ctrlr.Enabled; off when the station's configuration lacks it).</summary>
    public bool Enabled => _context.Model.Flag("ISO15118Ctrlr", "Enabled", false);

    /// <summary>Simulator input: an ISO 15118 EV with these needs is plugged in at the EVSE (K15).</summary>
    public Task PlugInAsync(int evseId, EvChargingNeeds needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var simulator = _context.Simulator ?? throw new InvalidOperationException("An ISO 15118 EV is simulator input; real hardware raises IEvHighLevelCommunication's events.");
        if (!_context.Evses.ContainsKey(evseId))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        simulator.SetChargingNeeds(evseId, needs);
        return _transactions.PlugInAsync(evseId);
    }

    /// <summary>Simulator input: the ISO 15118 EV at the EVSE asks to renegotiate with new needs (K17).</summary>
    public void Renegotiate(int evseId, EvChargingNeeds needs)
    {
        ArgumentNullException.ThrowIfNull(needs);
        var simulator = _context.Simulator ?? throw new InvalidOperationException("An EV's renegotiation is simulator input; real hardware raises IEvHighLevelCommunication.RenegotiationRequested.");
        if (!_context.Evses.TryGetValue(evseId, out var evse))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        if (simulator.ChargingNeeds(evseId) is null || !evse.Plugged)
        {
            throw new InvalidOperationException($"No ISO 15118 EV is plugged in at EVSE {evseId}.");
        }

        simulator.Renegotiate(evseId, needs);
    }

    /// <summary>What the station negotiated with the EV at the EVSE, for the console and tests; null when no ISO 15118 session runs there.</summary>
    public Iso15118Status? Status(int evseId)
    {
        lock (_lock)
        {
            return _sessions.TryGetValue(evseId, out var s)
                ? new Iso15118Status(s.TransactionId, s.NeedsSent, s.NeedsAnswer, s.WaitingForProfile, s.TimeBase, s.Offered, s.Selected, s.ScheduleAnswer, s.Negotiations)
                : null;
        }
    }

    // K15: a transaction for an authorized ISO 15118 EV starts the negotiation; an unplugged EV ends it. Under the gate.
    private void OnEvaluated(Evse evse)
    {
        // The simulated EV leaves with its cable: a later EV at this EVSE is a basic-charging one unless given needs.
        bool unplugged;
        lock (_lock)
        {
            if (evse.Plugged)
            {
                _plugged.Add(evse.Id);
                unplugged = false;
            }
            else
            {
                unplugged = _plugged.Remove(evse.Id);
            }
        }

        if (unplugged)
        {
            _context.Simulator?.SetChargingNeeds(evse.Id, null);
        }

        if (evse.Transaction is not { } tx || !evse.Plugged)
        {
            Forget(evse.Id);
            return;
        }

        if (evse.AuthorizedToken is null || !Enabled || Hlc?.ChargingNeeds(evse.Id) is null)
        {
            return;
        }

        Session session;
        lock (_lock)
        {
            if (_sessions.TryGetValue(evse.Id, out var existing) && existing.TransactionId == tx.Id)
            {
                return;
            }

            session = new Session(tx.Id, tx.StartedAt);
            _sessions[evse.Id] = session;
        }

        Start(evse.Id, session, sendNeeds: true, "K15 negotiation");
    }

    private void OnTransactionEventAnswered(TransactionEventRequest request)
    {
        TaskCompletionSource answered;
        lock (_lock)
        {
            answered = _answered;
            _answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        answered.TrySetResult();
    }

    /// <summary>Whether a TransactionEvent of the transaction still waits in the queue (the CSMS may not know the transaction yet).</summary>
    private bool EventsQueued(string transactionId) =>
        _context.Store.PeekAll().Any(m => m.Action == OcppActions.TransactionEvent.Name && Encoding.UTF8.GetString(m.Payload).Contains(transactionId, StringComparison.Ordinal));

    /// <summary>Waits until the transaction's queued events reached the CSMS; false when they did not within <see cref="ProfileWait"/> or the station is offline.</summary>
    private async Task<bool> WaitUntilDeliveredAsync(string transactionId, CancellationToken token)
    {
        var deadline = Task.Delay(ProfileWait, _context.Clock, token);
        while (true)
        {
            Task answered;
            lock (_lock)
            {
                answered = _answered.Task;
            }

            if (!EventsQueued(transactionId))
            {
                return true;
            }

            if (!_context.IsOnline || await Task.WhenAny(answered, deadline).ConfigureAwait(false) == deadline)
            {
                token.ThrowIfCancellationRequested();
                return false;
            }
        }
    }

    private void OnEnded()
    {
        foreach (var evse in _context.Evses.Values)
        {
            if (evse.Transaction is null)
            {
                Forget(evse.Id);
            }
        }
    }

    // K17: the EV asks to renegotiate; its new needs go to the CSMS again.
    private void OnRenegotiationRequested(int evseId)
    {
        if (!_context.Evses.TryGetValue(evseId, out var evse) || evse.Transaction is not { } tx || !Enabled)
        {
            _context.Report($"EVSE {evseId}: the EV asked to renegotiate without a transaction; ignored");
            return;
        }

        Session session;
        lock (_lock)
        {
            if (!_sessions.TryGetValue(evseId, out var existing) || existing.TransactionId != tx.Id)
            {
                existing = new Session(tx.Id, tx.StartedAt);
                _sessions[evseId] = existing;
            }

            session = existing;
        }

        Start(evseId, session, sendNeeds: true, "K17 renegotiation");
    }

    // K16: new profiles or limits. A negotiation that waits for the TxProfile is woken; a settled one is renegotiated when the offer changed.
    private void OnSchedulesChanged(int evseId)
    {
        List<(int EvseId, Session Session)> affected;
        lock (_lock)
        {
            affected = [.. _sessions.Where(p => evseId == 0 || p.Key == evseId).Select(p => (p.Key, p.Value))];
            foreach (var (_, session) in affected)
            {
                session.Signal?.TrySetResult();
            }
        }

        foreach (var (id, session) in affected)
        {
            _context.Background.Run($"K16 renegotiation check on EVSE {id}", () =>
            {
                // Claimed under the lock: two changes close together (a profile, then the limit it makes) run two checks,
                // and both would otherwise see the session settled and start two negotiations that race each other.
                var key = OfferKey(id, session, _context.Now);
                bool renegotiate;
                lock (_lock)
                {
                    renegotiate = session.Settled && _sessions.GetValueOrDefault(id) == session && key != session.OfferedKey;
                    session.Settled &= !renegotiate;
                }

                if (renegotiate)
                {
                    Start(id, session, sendNeeds: false, "K16 renegotiation");
                }

                return Task.CompletedTask;
            });
        }
    }

    private void Forget(int evseId)
    {
        Session? session;
        lock (_lock)
        {
            _sessions.Remove(evseId, out session);
        }

        if (session is not null)
        {
            Cancel(session);
            session.Signal?.TrySetResult();
        }
    }

    /// <summary>Cancels the session's negotiation in progress, outside the lock (cancellation may run continuations inline).</summary>
    private void Cancel(Session session)
    {
        CancellationTokenSource? running;
        lock (_lock)
        {
            running = session.Cts;
        }

        try
        {
            running?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That negotiation ended meanwhile.
        }
    }

    private void Start(int evseId, Session session, bool sendNeeds, string what)
    {
        Cancel(session);
        lock (_lock)
        {
            session.Settled = false;

            // Kept until sent: a K16 check racing a K17 renegotiation must not drop the EV's new needs.
            session.NeedsPending |= sendNeeds;
        }

        _context.Background.Run($"{what} on EVSE {evseId}", () => NegotiateAsync(evseId, session, sendNeeds));
    }

    private async Task NegotiateAsync(int evseId, Session session, bool sendNeeds)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_context.Stopping);
        CancellationTokenSource? previous;
        bool needs;
        lock (_lock)
        {
            if (_sessions.GetValueOrDefault(evseId) != session)
            {
                return;
            }

            // One negotiation per session: this one replaces any still running.
            previous = session.Cts;
            session.Cts = cts;
            session.Negotiations++;
            needs = sendNeeds || session.NeedsPending;
        }

        try
        {
            previous?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // It ended meanwhile.
        }

        var token = cts.Token;
        try
        {
            if (needs)
            {
                await SendNeedsAsync(evseId, session, token).ConfigureAwait(false);
            }

            // An offer, then again while the limits changed meanwhile (a TxProfile that came while the EV chose).
            for (var round = 0; round < 3; round++)
            {
                var offered = await OfferAsync(evseId, session, token).ConfigureAwait(false);
                lock (_lock)
                {
                    EnsureCurrent(session, token);
                    session.Settled = true;
                }

                if (offered is null || OfferKey(evseId, session, _context.Now) == offered)
                {
                    break;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                if (session.Cts == cts)
                {
                    session.Cts = null;
                }
            }
        }
    }

    // K15.FR.01, K17.FR.01: the EV's needs to the CSMS; Accepted waits for the TxProfile (K15.FR.03), Processing and Rejected go on locally (K15.FR.04, K15.FR.05).
    private async Task SendNeedsAsync(int evseId, Session session, CancellationToken token)
    {
        if (Hlc?.ChargingNeeds(evseId) is not { } needs)
        {
            return;
        }

        var before = TxProfileKey(evseId, session);
        var maxEntries = _context.Model.Number("ISO15118Ctrlr", "MaxScheduleEntries", 0);
        var request = new NotifyEVChargingNeedsRequest
        {
            EvseId = evseId,
            ChargingNeeds = needs.Needs,
            MaxScheduleTuples = needs.MaxScheduleTuples ?? (maxEntries > 0 ? maxEntries : null),
        };
        lock (_lock)
        {
            // A new negotiation: what was offered and chosen for the earlier needs no longer holds.
            EnsureCurrent(session, token);
            session.NeedsSent = needs.Needs;
            session.NeedsAnswer = null;
            session.TimeBase = null;
            session.Offered = null;
            session.Selected = null;
            session.ScheduleAnswer = null;
        }

        if (!_context.IsOnline || !await WaitUntilDeliveredAsync(session.TransactionId, token).ConfigureAwait(false))
        {
            // Offline, or the CSMS does not know the transaction yet: it cannot answer in time for the EV; the local limits apply (K06/K07 style).
            _context.Report($"EVSE {evseId}: offline (or the transaction's events not delivered), NotifyEVChargingNeeds not sent; the EV gets the local schedule");
            NeedsHandled(session);
            return;
        }

        NotifyEVChargingNeedsResponse response;
        try
        {
            response = await _context.CallAsync(request, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppConnectionClosedException or OcppPayloadException or InvalidOperationException)
        {
            _context.Report($"EVSE {evseId}: NotifyEVChargingNeeds failed ({ex.Message}); the EV gets the local schedule");
            NeedsHandled(session);
            return;
        }

        lock (_lock)
        {
            EnsureCurrent(session, token);
            session.NeedsAnswer = response.Status;
            session.NeedsPending = false;
        }

        _context.Report($"EVSE {evseId}: NotifyEVChargingNeeds {response.Status}{(response.StatusInfo is { } info ? " (" + info.ReasonCode + ")" : "")}");
        if (response.Status != NotifyEVChargingNeedsStatusEnumType.Accepted)
        {
            // K15.FR.04 Rejected: no schedule will come, the local limits apply. K15.FR.05 Processing: the schedule comes later, as a K16 renegotiation.
            return;
        }

        // K15.FR.03: the CSMS sends a TxProfile; the EV is kept waiting (EVSEProcessing Ongoing) until it came, or the wait ran out.
        var deadline = Task.Delay(ProfileWait, _context.Clock, token);
        lock (_lock)
        {
            session.ProfileWaits++;
        }

        try
        {
            await WaitForProfileAsync(evseId, session, before, deadline, token).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                session.ProfileWaits--;
            }
        }
    }

    /// <summary>
    /// Under the lock: the negotiation of <paramref name="token"/> is still the session's. One that a later one replaced
    /// stops here (as cancelled) instead of writing the session's state over its successor's: a replaced negotiation
    /// delayed on a busy machine would otherwise clear the choice the newer one already reported.
    /// </summary>
    private static void EnsureCurrent(Session session, CancellationToken token)
    {
        if (session.Cts is not { } current || current.Token != token)
        {
            throw new OperationCanceledException("A later negotiation replaced this one.", token);
        }
    }

    /// <summary>The EV's needs were dealt with (sent, or given up): a later negotiation need not send them again.</summary>
    private void NeedsHandled(Session session)
    {
        lock (_lock)
        {
            session.NeedsPending = false;
        }
    }

    private async Task WaitForProfileAsync(int evseId, Session session, string before, Task deadline, CancellationToken token)
    {
        while (TxProfileKey(evseId, session) == before)
        {
            TaskCompletionSource signal;
            lock (_lock)
            {
                signal = session.Signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            if (TxProfileKey(evseId, session) != before)
            {
                break;
            }

            if (await Task.WhenAny(signal.Task, deadline).ConfigureAwait(false) == deadline)
            {
                token.ThrowIfCancellationRequested();
                _context.Report($"EVSE {evseId}: no TxProfile within {ProfileWait.TotalSeconds:0} s; the EV gets the local schedule");
                break;
            }

            token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Offers the schedules to the EV and reports its choice (K15.FR.06-K15.FR.10, K16); returns the offer's key, or null when nothing was offered.</summary>
    private async Task<string?> OfferAsync(int evseId, Session session, CancellationToken token)
    {
        if (Hlc is not { } hlc || hlc.ChargingNeeds(evseId) is not { } needs)
        {
            return null;
        }

        // Whole seconds: ISO 15118 counts in seconds, and the time base goes on the wire as it is kept here.
        var timeBase = WholeSecond(_context.Now);
        var offer = BuildOffer(evseId, session, needs, timeBase);
        var key = Key(offer, timeBase);
        lock (_lock)
        {
            EnsureCurrent(session, token);
            session.TimeBase = timeBase;
            session.Offered = offer;
            session.OfferedKey = key;
            session.Selected = null;
            session.ScheduleAnswer = null;
        }

        var selection = await hlc.OfferSchedulesAsync(evseId, timeBase, offer, token).ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
        if (selection is null)
        {
            _context.Report($"EVSE {evseId}: the EV chose no schedule");
            return key;
        }

        // K15.FR.07: the EV's profile must stay within the schedule it selected; otherwise it is refused (FAILED_ChargingProfileInvalid) and not reported.
        var chosen = offer.FirstOrDefault(s => s.Id == selection.SelectedScheduleId);
        if (chosen is null || !Within(selection.ChargingSchedule, chosen))
        {
            _context.Report($"EVSE {evseId}: the EV's charging profile is outside the schedule offered (SAScheduleTuple {selection.SelectedScheduleId}); refused");
            return key;
        }

        lock (_lock)
        {
            EnsureCurrent(session, token);
            session.Selected = selection;
        }

        // K15.FR.10 (K16, K17): the EV's chosen profile to the CSMS, periods relative to the offer's time base.
        var request = new NotifyEVChargingScheduleRequest { TimeBase = timeBase, EvseId = evseId, ChargingSchedule = selection.ChargingSchedule };
        if (!_context.IsOnline)
        {
            _context.Enqueue(request); // kept offline only when QueueAllMessages is true
            return key;
        }

        try
        {
            var response = await _context.CallAsync(request, token).ConfigureAwait(false);
            lock (_lock)
            {
                EnsureCurrent(session, token);
                session.ScheduleAnswer = response.Status;
            }

            _context.Report($"EVSE {evseId}: NotifyEVChargingSchedule {response.Status}");
        }
        catch (Exception ex) when (ex is OcppCallErrorException or OcppCallTimeoutException or OcppConnectionClosedException or OcppPayloadException or InvalidOperationException)
        {
            _context.Report($"EVSE {evseId}: NotifyEVChargingSchedule failed ({ex.Message})");
        }

        return key;
    }

    /// <summary>
    /// The SAScheduleList offered to the EV: first the EVSE's composite schedule (every limit, the TxProfile's first schedule
    /// included), with the TxProfile's first schedule's id; then the TxProfile's further schedules; periods relative to
    /// <paramref name="timeBase"/>, over the time to the EV's departure (24 h at most), at most MaxScheduleEntries (and the
    /// EV's maxScheduleTuples) periods each. Without any profile: the EVSE's maximum power.
    /// </summary>
    internal IReadOnlyList<ChargingScheduleType> BuildOffer(int evseId, Session session, EvChargingNeeds needs, DateTimeOffset timeBase)
    {
        var duration = MaxScheduleSeconds;
        if (needs.Needs.DepartureTime is { } departure)
        {
            duration = (int)Math.Clamp((departure - timeBase).TotalSeconds, 60, MaxScheduleSeconds);
        }

        var tx = TxProfile(evseId, session);
        var unit = tx?.ChargingSchedule.FirstOrDefault()?.ChargingRateUnit;
        var maxPeriods = MaxPeriods(needs);
        var offer = new List<ChargingScheduleType>();
        var composite = _schedules.Compose(evseId, duration, unit);
        var firstId = tx?.ChargingSchedule.FirstOrDefault()?.Id ?? 1;
        if (composite is not null && composite.ChargingSchedulePeriod.Count > 0)
        {
            var offset = (int)Math.Max(0, (timeBase - composite.ScheduleStart).TotalSeconds);
            offer.Add(Schedule(firstId, composite.ChargingRateUnit, Rebase(composite.ChargingSchedulePeriod, offset), duration, maxPeriods));
        }
        else
        {
            offer.Add(Schedule(firstId, ChargingRateUnitEnumType.W, [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = EvseMaxPowerW(evseId, needs) }], duration, maxPeriods));
        }

        foreach (var further in tx?.ChargingSchedule.Skip(1) ?? [])
        {
            var start = further.StartSchedule ?? session.TransactionStart;
            var offset = (int)Math.Max(0, (timeBase - start).TotalSeconds);
            var periods = Rebase(further.ChargingSchedulePeriod, offset);
            if (periods.Count > 0 && offer.All(s => s.Id != further.Id))
            {
                offer.Add(Schedule(further.Id, further.ChargingRateUnit, periods, duration, maxPeriods));
            }
        }

        return offer;
    }

    /// <summary>Whether every limit of <paramref name="chosen"/> is at most the limit <paramref name="offered"/> has at that time (same unit).</summary>
    internal static bool Within(ChargingScheduleType chosen, ChargingScheduleType offered)
    {
        if (chosen.ChargingRateUnit != offered.ChargingRateUnit || chosen.ChargingSchedulePeriod.Count == 0)
        {
            return false;
        }

        var end = offered.Duration ?? int.MaxValue;
        var points = chosen.ChargingSchedulePeriod.Select(p => p.StartPeriod).Concat(offered.ChargingSchedulePeriod.Select(p => p.StartPeriod)).Distinct().Where(t => t < end);
        foreach (var t in points)
        {
            var mine = LimitAt(chosen.ChargingSchedulePeriod, t);
            var allowed = LimitAt(offered.ChargingSchedulePeriod, t);
            if (mine is { } m && allowed is { } a && m > a)
            {
                return false;
            }
        }

        return true;
    }

    private static decimal? LimitAt(List<ChargingSchedulePeriodType> periods, int t) =>
        periods.Where(p => p.StartPeriod <= t).OrderBy(p => p.StartPeriod).LastOrDefault()?.Limit;

    /// <summary>The periods from <paramref name="offset"/> s into a schedule on, relative to that point.</summary>
    private static List<ChargingSchedulePeriodType> Rebase(List<ChargingSchedulePeriodType> periods, int offset)
    {
        var ordered = periods.OrderBy(p => p.StartPeriod).ToList();
        var result = new List<ChargingSchedulePeriodType>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var p = ordered[i];
            var next = i + 1 < ordered.Count ? ordered[i + 1].StartPeriod : int.MaxValue;
            if (next <= offset)
            {
                continue;
            }

            result.Add(new ChargingSchedulePeriodType { StartPeriod = Math.Max(0, p.StartPeriod - offset), Limit = p.Limit, NumberPhases = p.NumberPhases, PhaseToUse = p.PhaseToUse });
        }

        return result;
    }

    /// <summary>A schedule of at most <paramref name="maxPeriods"/> periods within <paramref name="duration"/>: the last kept period takes the lowest limit of those it replaces, so the offer never exceeds a limit.</summary>
    private static ChargingScheduleType Schedule(int id, ChargingRateUnitEnumType unit, List<ChargingSchedulePeriodType> periods, int duration, int maxPeriods)
    {
        var within = periods.Where(p => p.StartPeriod < duration).ToList();
        if (within.Count == 0)
        {
            within = [new ChargingSchedulePeriodType { StartPeriod = 0, Limit = periods.Count > 0 ? periods[0].Limit : 0 }];
        }

        if (within.Count > maxPeriods)
        {
            var tail = within.Skip(maxPeriods - 1).ToList();
            within = [.. within.Take(maxPeriods - 1), new ChargingSchedulePeriodType { StartPeriod = tail[0].StartPeriod, Limit = tail.Min(p => p.Limit), NumberPhases = tail[0].NumberPhases }];
        }

        return new ChargingScheduleType { Id = id, Duration = duration, ChargingRateUnit = unit, ChargingSchedulePeriod = within };
    }

    private int MaxPeriods(EvChargingNeeds needs)
    {
        var max = _context.Model.Number("ISO15118Ctrlr", "MaxScheduleEntries", 1024);
        if (needs.MaxScheduleTuples is > 0 and var ev)
        {
            max = Math.Min(max, ev);
        }

        return Math.Max(1, max);
    }

    private decimal EvseMaxPowerW(int evseId, EvChargingNeeds needs)
    {
        var value = _context.Model.Find(new ComponentKey("EVSE", EvseId: evseId), "Power")?.Attributes.GetValueOrDefault(AttributeEnumType.MaxSet)?.Value;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var watts) && watts > 0)
        {
            return watts;
        }

        return Simulation.SimulatedHardware.MaxPowerW(needs.Needs) ?? 22000m;
    }

    private ChargingProfileType? TxProfile(int evseId, Session session) =>
        _schedules.TxProfile(evseId) is { } tx && (tx.TransactionId is null || tx.TransactionId == session.TransactionId) ? tx : null;

    private string TxProfileKey(int evseId, Session session) =>
        TxProfile(evseId, session) is { } tx ? JsonSerializer.Serialize(tx, OcppJsonContext.Default.ChargingProfileType) : "";

    /// <summary>What the EV would be offered now, independent of when: limits at their absolute times.</summary>
    /// <remarks>Built on the whole second as <see cref="OfferAsync"/> builds its offer: a key from a fractional time could differ by a
    /// second's rounding in a period's start, and a settled negotiation would be renegotiated for nothing.</remarks>
    private string? OfferKey(int evseId, Session session, DateTimeOffset now) =>
        Hlc?.ChargingNeeds(evseId) is { } needs ? Key(BuildOffer(evseId, session, needs, WholeSecond(now)), WholeSecond(now)) : null;

    private static DateTimeOffset WholeSecond(DateTimeOffset t) => t.AddTicks(-(t.Ticks % TimeSpan.TicksPerSecond));

    private static string Key(IReadOnlyList<ChargingScheduleType> offer, DateTimeOffset timeBase)
    {
        var key = new StringBuilder();
        foreach (var schedule in offer)
        {
            key.Append(CultureInfo.InvariantCulture, $"{schedule.Id}/{schedule.ChargingRateUnit}:");
            foreach (var p in schedule.ChargingSchedulePeriod)
            {
                // The first period starts at the time base, which moves: only later periods carry their (absolute) start.
                var at = p.StartPeriod == 0 ? "-" : timeBase.AddSeconds(p.StartPeriod).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                key.Append(CultureInfo.InvariantCulture, $"{at}={p.Limit}/{p.NumberPhases};");
            }

            key.Append('|');
        }

        return key.ToString();
    }

    /// <summary>One ISO 15118 session: a transaction's negotiations with its EV.</summary>
    internal sealed class Session(string transactionId, DateTimeOffset transactionStart)
    {
        public string TransactionId { get; } = transactionId;

        public DateTimeOffset TransactionStart { get; } = transactionStart;

        public CancellationTokenSource? Cts { get; set; }

        public TaskCompletionSource? Signal { get; set; }

        public bool Settled { get; set; }

        public bool NeedsPending { get; set; }

        public int Negotiations { get; set; }

        public ChargingNeedsType? NeedsSent { get; set; }

        public NotifyEVChargingNeedsStatusEnumType? NeedsAnswer { get; set; }

        /// <summary>
        /// The negotiations waiting for the TxProfile: a renegotiation (K16/K17) starts its wait before the one it replaced
        /// has ended its own, so a flag the old one clears would hide the new wait.
        /// </summary>
        public int ProfileWaits { get; set; }

        public bool WaitingForProfile => ProfileWaits > 0;

        public DateTimeOffset? TimeBase { get; set; }

        public IReadOnlyList<ChargingScheduleType>? Offered { get; set; }

        public string? OfferedKey { get; set; }

        public EvScheduleSelection? Selected { get; set; }

        public GenericStatusEnumType? ScheduleAnswer { get; set; }
    }
}

/// <summary>What the station negotiated with an ISO 15118 EV (K15-K17).</summary>
/// <param name="TransactionId">The transaction the session belongs to.</param>
/// <param name="NeedsSent">The needs last sent with NotifyEVChargingNeeds (null: not sent).</param>
/// <param name="NeedsAnswer">The CSMS's answer to them (null: none, e.g. offline).</param>
/// <param name="WaitingForProfile">Whether the EV waits for the CSMS's TxProfile now (after Accepted, K15.FR.03).</param>
/// <param name="TimeBase">When the last offer was made; its periods are relative to it.</param>
/// <param name="Offered">The schedules last offered to the EV.</param>
/// <param name="Selected">The EV's choice, when it was within the offer.</param>
/// <param name="ScheduleAnswer">The CSMS's answer to NotifyEVChargingSchedule.</param>
/// <param name="Negotiations">How many negotiations ran in this session (the first, then K16/K17 renegotiations).</param>
public sealed record Iso15118Status(
    string TransactionId,
    ChargingNeedsType? NeedsSent,
    NotifyEVChargingNeedsStatusEnumType? NeedsAnswer,
    bool WaitingForProfile,
    DateTimeOffset? TimeBase,
    IReadOnlyList<ChargingScheduleType>? Offered,
    EvScheduleSelection? Selected,
    GenericStatusEnumType? ScheduleAnswer,
    int Negotiations);
