using Ohm.Ocpp.Messages;
using Ohm.Station.Context;

namespace Ohm.Station.Blocks;

/// <summary>
/// E: transactions. The station starts a transaction when one of the TxStartPoint conditions becomes true and ends it
/// when one of the TxStopPoint conditions that held stops holding (or on StopTxOnEVSideDisconnect, a reset, a
/// refused idToken). It creates the transaction id (a UUID) and numbers the events from seqNo 0, persisting the next
/// seqNo before an event is queued, so a seqNo is never reused, not even after a crash.
/// </summary>
public sealed class Transactions
{
    /// <summary>The TxStartPoint / TxStopPoint values.</summary>
    public static readonly string[] Points = ["ParkingBayOccupancy", "EVConnected", "Authorized", "DataSigned", "PowerPathClosed", "EnergyTransfer"];

    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private readonly TransactionEvents _events;
    private readonly Metering _metering;
    private readonly Availability _availability;
    private readonly AuthorizationCache _cache;
    private readonly Dictionary<int, HashSet<string>> _lastConditions = [];

    internal Transactions(IStationContext context, IStateGate gate, TransactionEvents events, Metering metering, Availability availability, AuthorizationCache cache)
    {
        _context = context;
        _gate = gate;
        _events = events;
        _metering = metering;
        _availability = availability;
        _cache = cache;
    }

    /// <summary>Raised under the gate when a transaction ended, after the EVSE's availability was brought up to date.</summary>
    internal event Action? Ended;

    /// <summary>
    /// Hardware input: the EVSE reports a fault, or that it cleared (G01: connector status Faulted). A faulted EVSE keeps
    /// its relay open: a running transaction is suspended (SuspendedEVSE, triggerReason AbnormalCondition) or, when the
    /// TxStopPoint says so, ended with <paramref name="reason"/>; it charges again when the fault clears.
    /// </summary>
    public Task ReportFaultAsync(int evseId, bool faulted, ReasonEnumType reason = ReasonEnumType.Other) => WithEvseAsync(evseId, evse =>
    {
        if (evse.Faulted == faulted)
        {
            return;
        }

        evse.Faulted = faulted;
        _context.Report($"EVSE {evseId}: " + (faulted ? "fault reported" : "fault cleared"));
        Evaluate(evse, TriggerReasonEnumType.AbnormalCondition, faulted ? reason : null);
    });

    /// <summary>Simulator input: the EV driver plugs the cable in (E02).</summary>
    public Task PlugInAsync(int evseId) => WithEvseAsync(evseId, evse =>
    {
        _context.Simulator?.SetPlugged(evseId, true);
        evse.Plugged = true;
        Evaluate(evse, TriggerReasonEnumType.CablePluggedIn);
    });

    /// <summary>Simulator input: the cable is unplugged at the EV side (E09/E10).</summary>
    public Task UnplugAsync(int evseId) => WithEvseAsync(evseId, evse =>
    {
        _metering.Accumulate(evse, _context.Now);
        _context.Simulator?.SetPlugged(evseId, false);
        evse.Plugged = false;
        var force = evse.Transaction is not null && _context.Model.Flag("TxCtrlr", "StopTxOnEVSideDisconnect", true);
        Evaluate(evse, TriggerReasonEnumType.EVCommunicationLost, ReasonEnumType.EVDisconnected, force);
    });

    /// <summary>Simulator input: the parking bay sensor (ParkingBayOccupancy).</summary>
    public Task SetParkingBayAsync(int evseId, bool occupied) => WithEvseAsync(evseId, evse =>
    {
        evse.BayOccupied = occupied;
        Evaluate(evse, occupied ? TriggerReasonEnumType.EVDetected : TriggerReasonEnumType.EVDeparted, ReasonEnumType.EVDisconnected);
    });

    /// <summary>Simulator input: the power the EV draws (0 suspends charging from the EV side); needs the simulated hardware.</summary>
    public Task SetEvPowerAsync(int evseId, decimal watts)
    {
        var simulator = _context.Simulator ?? throw new InvalidOperationException("The EV's power is simulator input; with real hardware call EvPowerChangedAsync when the EV changes what it draws.");
        return WithEvseAsync(evseId, evse =>
        {
            Accumulate(evse);
            simulator.SetEvPower(evseId, watts);
            Evaluate(evse, TriggerReasonEnumType.ChargingStateChanged, ReasonEnumType.StoppedByEV);
        });
    }

    /// <summary>The EV changed the power it draws (IEvCommunication): re-evaluates the charging state.</summary>
    public Task EvPowerChangedAsync(int evseId) => WithEvseAsync(evseId, evse =>
    {
        Accumulate(evse);
        Evaluate(evse, TriggerReasonEnumType.ChargingStateChanged, ReasonEnumType.StoppedByEV);
    });

    /// <summary>Simulator input: a meter sample now, sent as a periodic TransactionEvent (J02) when a transaction runs.</summary>
    public Task SampleNowAsync(int evseId) => WithEvseAsync(evseId, evse =>
    {
        if (evse.Transaction is { } tx)
        {
            Accumulate(evse);
            _events.Emit(evse, TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValuePeriodic, meter: _metering.Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.SamplePeriodic));
            tx.LastSample = _context.Now;
            _context.SaveEvse(evse);
        }
    });

    /// <summary>E14: GetTransactionStatus: whether the transaction runs and whether its messages wait in the queue.</summary>
    internal ValueTask<GetTransactionStatusResponse> GetTransactionStatus(GetTransactionStatusRequest request, Ohm.Ocpp.Rpc.OcppCallContext context, CancellationToken cancellationToken)
    {
        var queued = _context.Store.PeekAll()
            .Where(m => m.Action == OcppActions.TransactionEvent.Name)
            .Select(m => System.Text.Json.JsonSerializer.Deserialize(m.Payload, OcppJsonContext.Default.TransactionEventRequest)!.TransactionInfo.TransactionId)
            .ToList();
        if (request.TransactionId is not { } id)
        {
            return ValueTask.FromResult(new GetTransactionStatusResponse { MessagesInQueue = queued.Count > 0 });
        }

        return ValueTask.FromResult(new GetTransactionStatusResponse
        {
            OngoingIndicator = Find(id) is not null,
            MessagesInQueue = queued.Contains(id),
        });
    }

    /// <summary>The EVSE running the transaction, or null.</summary>
    public Evse? Find(string transactionId) => _context.Evses.Values.FirstOrDefault(e => e.Transaction?.Id == transactionId);

    /// <summary>How many transactions this engine started since it was created.</summary>
    public int StartedCount { get; private set; }

    /// <summary>How many transactions this engine ended since it was created.</summary>
    public int EndedCount { get; private set; }

    /// <summary>K: smart charging, which sets each EVSE's limit before its conditions are evaluated and hears of starts and ends (set by the SmartCharging block).</summary>
    internal SmartCharging? SmartCharging { get; set; }

    /// <summary>H: the reservations, told when a transaction starts (set by the Reservation block).</summary>
    internal Reservation? Reservation { get; set; }

    /// <summary>Whether any transaction runs.</summary>
    public bool AnyRunning => _context.Evses.Values.Any(e => e.Transaction is not null);

    internal async Task WithEvseAsync(int evseId, Action<Evse> action)
    {
        if (!_context.Evses.TryGetValue(evseId, out var evse))
        {
            throw new ArgumentOutOfRangeException(nameof(evseId), evseId, "No such EVSE.");
        }

        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            action(evse);
        }
        finally
        {
            _gate.Exit();
        }
    }

    private void Accumulate(Evse evse) => _metering.Accumulate(evse, _context.Now);

    /// <summary>
    /// Whether a transaction may start now: not while connected and Pending or Rejected, unless TxBeforeAcceptedEnabled
    /// (offline, a station starts transactions as E04 says).
    /// </summary>
    private bool MayStart =>
        !_context.IsConnected
        || _context.Registration is null or RegistrationStatusEnumType.Accepted
        || _context.Model.Flag("TxCtrlr", "TxBeforeAcceptedEnabled", false);

    /// <summary>Starts the transactions whose start point was met while the station waited for Accepted.</summary>
    internal async Task ResumeAfterAcceptedAsync()
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            foreach (var evse in _context.Evses.Values.Where(e => e.Transaction is null))
            {
                Evaluate(evse, evse.AuthorizedToken is not null ? TriggerReasonEnumType.Authorized : evse.Plugged ? TriggerReasonEnumType.CablePluggedIn : TriggerReasonEnumType.EVDetected);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The TxStartPoint/TxStopPoint conditions that hold now.</summary>
    internal HashSet<string> Conditions(Evse evse)
    {
        // K: the EVSE's limit is brought up to date first, so EnergyTransfer reflects it.
        SmartCharging?.ApplyLimit(evse);
        var set = new HashSet<string>(StringComparer.Ordinal);
        var operative = !evse.Inoperative && !evse.Faulted && !_availability.StationInoperative;
        var authorized = evse.AuthorizedToken is not null;
        if (evse.BayOccupied || evse.Plugged)
        {
            set.Add("ParkingBayOccupancy");
        }

        if (evse.Plugged)
        {
            set.Add("EVConnected");
        }

        if (authorized)
        {
            set.Add("Authorized");
        }

        // The relay closes for a plugged, authorized EV on an operative EVSE; the energy until now is counted first.
        var hardware = _context.Hardware;
        var close = evse.Plugged && authorized && operative && !evse.Deauthorized;
        if (close != hardware.PowerPath.IsClosed(evse.Id))
        {
            Accumulate(evse);
            if (close)
            {
                hardware.PowerPath.Close(evse.Id);
            }
            else
            {
                hardware.PowerPath.Open(evse.Id);
            }
        }

        if (hardware.PowerPath.IsClosed(evse.Id))
        {
            set.Add("PowerPathClosed");

            // DataSigned only when the meter really signed its reading.
            if (hardware.Meter.Read(evse.Id, MeasurandEnumType.EnergyActiveImportRegister)?.Signature is not null)
            {
                set.Add("DataSigned");
            }

            if (hardware.PowerPath.EnergyFlows(evse.Id))
            {
                set.Add("EnergyTransfer");
            }
        }

        return set;
    }

    internal ChargingStateEnumType ChargingState(Evse evse, HashSet<string> conditions) =>
        !evse.Plugged ? ChargingStateEnumType.Idle
        : conditions.Contains("EnergyTransfer") ? ChargingStateEnumType.Charging

        // K: the station holds the EV at 0 (its limit is below the EV's minimum): the EVSE suspends, not the EV.
        : conditions.Contains("PowerPathClosed") && _context.Hardware.RateControl.Limit(evse.Id) == 0m ? ChargingStateEnumType.SuspendedEVSE
        : conditions.Contains("PowerPathClosed") ? ChargingStateEnumType.SuspendedEV
        : evse.AuthorizedToken is not null ? ChargingStateEnumType.SuspendedEVSE
        : ChargingStateEnumType.EVConnected;

    /// <summary>Re-evaluates an EVSE after an event: starts, updates or ends its transaction. Call under the gate.</summary>
    internal void Evaluate(Evse evse, TriggerReasonEnumType trigger, ReasonEnumType? stopReason = null, bool forceStop = false)
    {
        var conditions = Conditions(evse);
        var previous = _lastConditions.GetValueOrDefault(evse.Id) ?? [];
        _lastConditions[evse.Id] = conditions;
        var model = _context.Model;
        if (evse.Transaction is null)
        {
            var starts = model.List("TxCtrlr", "TxStartPoint");
            if (starts.Any(p => conditions.Contains(p) && !previous.Contains(p)))
            {
                if (MayStart)
                {
                    Start(evse, trigger, conditions);
                }
                else
                {
                    // TxBeforeAcceptedEnabled false: wait for Accepted, then ResumeAfterAccepted starts it.
                    _lastConditions[evse.Id] = previous;
                    _context.Report($"EVSE {evse.Id}: no transaction before the CSMS accepts the station");
                }
            }
        }
        else
        {
            var tx = evse.Transaction;
            var stops = model.List("TxCtrlr", "TxStopPoint");
            if (forceStop || stops.Any(p => tx.Conditions.Contains(p) && !conditions.Contains(p)))
            {
                End(evse, trigger, stopReason ?? ReasonEnumType.Local);
            }
            else
            {
                foreach (var c in conditions)
                {
                    if (!tx.Conditions.Contains(c))
                    {
                        tx.Conditions.Add(c);
                    }
                }

                tx.Conditions.RemoveAll(c => !conditions.Contains(c));
                var state = ChargingState(evse, conditions);
                var tokenChanged = evse.AuthorizedToken is { } token && token.IdToken != tx.ReportedIdToken;
                if (state != tx.ChargingState || tokenChanged || trigger is TriggerReasonEnumType.StopAuthorized or TriggerReasonEnumType.RemoteStop or TriggerReasonEnumType.Deauthorized or TriggerReasonEnumType.EnergyLimitReached)
                {
                    tx.ChargingState = state;
                    _events.Emit(evse, TransactionEventEnumType.Updated, tokenChanged && trigger != TriggerReasonEnumType.RemoteStart ? TriggerReasonEnumType.Authorized : trigger, chargingState: state);
                    _context.SaveEvse(evse);
                }
            }
        }

        if (evse.Transaction is null && !evse.Plugged && evse.AuthorizedToken is not null && trigger is TriggerReasonEnumType.EVCommunicationLost)
        {
            evse.AuthorizedToken = null;
        }

        _availability.Update(evse);
        _context.SaveEvse(evse);
    }

    /// <summary>Ends the transaction of an EVSE now. Call under the gate.</summary>
    internal void End(Evse evse, TriggerReasonEnumType trigger, ReasonEnumType reason)
    {
        if (evse.Transaction is not { } tx)
        {
            return;
        }

        Accumulate(evse);
        var state = ChargingState(evse, Conditions(evse));
        tx.ChargingState = state == ChargingStateEnumType.Charging ? ChargingStateEnumType.EVConnected : state;
        // J02/J01: the samples gathered every TxEndedInterval (and at each aligned interval) go with the Ended event.
        _events.Emit(evse, TransactionEventEnumType.Ended, trigger, reason, _metering.Sample(evse, "SampledDataCtrlr", "TxEndedMeasurands", ReadingContextEnumType.TransactionEnd), tx.ChargingState, tx.EndedSamples);
        evse.Transaction = null;
        SmartCharging?.OnEnded(evse, tx.Id); // K01: its TxProfiles go
        EndedCount++;
        evse.AuthorizedToken = null;
        evse.RemoteStartId = null;
        evse.AuthorizedAt = null;
        evse.Deauthorized = false;
        evse.InvalidIdEnergyLimitWh = null;
        _lastConditions[evse.Id] = Conditions(evse);
        _context.SaveEvse(evse);
        _context.Report($"transaction {tx.Id} ended on EVSE {evse.Id}: {reason}");
        Tariffs?.OnEnded(evse.Id, tx.Id); // I05
        _availability.OnTransactionEnded(evse);
        _availability.Update(evse);
        Ended?.Invoke();
    }

    /// <summary>I: where the costs and tariff texts of TransactionEvent answers go; set by the station.</summary>
    internal TariffCost? Tariffs { get; set; }

    /// <summary>E: the CSMS's answer to a TransactionEvent; a refused idToken deauthorizes the transaction (E05, C).</summary>
    internal async Task OnResponseAsync(TransactionEventRequest request, TransactionEventResponse response)
    {
        Tariffs?.OnTransactionEventResponse(request, response); // I01, I03, I06
        if (response.IdTokenInfo is not { } info || request.IdToken is not { } token)
        {
            return;
        }

        _cache.Remember(token, info);
        if (info.Status == AuthorizationStatusEnumType.Accepted)
        {
            return;
        }

        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            var evse = Find(request.TransactionInfo.TransactionId);
            if (evse?.Transaction is null)
            {
                return;
            }

            if (_context.Model.Flag("TxCtrlr", "StopTxOnInvalidId", true))
            {
                evse.AuthorizedToken = null;
                End(evse, TriggerReasonEnumType.Deauthorized, ReasonEnumType.DeAuthorized);
            }
            else
            {
                // E05: energy goes on up to MaxEnergyOnInvalidId, then it is withheld; the transaction goes on until a stop point.
                var max = _context.Model.Number("TxCtrlr", "MaxEnergyOnInvalidId", 0);
                if (max > 0)
                {
                    evse.InvalidIdEnergyLimitWh = evse.EnergyWh + max;
                    _context.Report($"EVSE {evse.Id}: idToken refused; {max} Wh more at most");
                }
                else
                {
                    evse.Deauthorized = true;
                    Evaluate(evse, TriggerReasonEnumType.Deauthorized);
                }
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Periodic work: EVConnectionTimeOut, energy accounting and TxUpdatedInterval samples. Called under the gate.</summary>
    internal void Tick(DateTimeOffset now)
    {
        var model = _context.Model;
        var timeout = model.Number("TxCtrlr", "EVConnectionTimeOut", 60);
        var interval = model.Number("SampledDataCtrlr", "TxUpdatedInterval", 0);
        foreach (var evse in _context.Evses.Values)
        {
            _metering.Accumulate(evse, now);
            if (evse.InvalidIdEnergyLimitWh is { } limit && evse.EnergyWh >= limit)
            {
                evse.InvalidIdEnergyLimitWh = null;
                evse.Deauthorized = true;
                Evaluate(evse, TriggerReasonEnumType.EnergyLimitReached, ReasonEnumType.EnergyLimitReached);
            }

            if (evse.AuthorizedToken is not null && !evse.Plugged && evse.AuthorizedAt is { } at && now - at > TimeSpan.FromSeconds(timeout))
            {
                // E03: no cable within EVConnectionTimeOut; the authorization lapses.
                evse.AuthorizedToken = null;
                evse.AuthorizedAt = null;
                if (evse.Transaction is not null)
                {
                    End(evse, TriggerReasonEnumType.EVConnectTimeout, ReasonEnumType.Timeout);
                }
                else
                {
                    Evaluate(evse, TriggerReasonEnumType.EVConnectTimeout);
                }

                _context.Report($"EVSE {evse.Id}: EV connection timeout");
            }

            var endedInterval = model.Number("SampledDataCtrlr", "TxEndedInterval", 0);
            if (evse.Transaction is { } ended && endedInterval > 0 && now - ended.LastEndedSample >= TimeSpan.FromSeconds(endedInterval)
                && _metering.Sample(evse, "SampledDataCtrlr", "TxEndedMeasurands", ReadingContextEnumType.SamplePeriodic) is { } endedSample)
            {
                ended.LastEndedSample = now;
                ended.EndedSamples.Add(endedSample);
                _context.SaveEvse(evse);
            }

            if (evse.Transaction is { } tx && interval > 0 && model.Flag("SampledDataCtrlr", "Enabled", true) && now - tx.LastSample >= TimeSpan.FromSeconds(interval))
            {
                tx.LastSample = now;
                _events.Emit(evse, TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValuePeriodic, meter: _metering.Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.SamplePeriodic));
                _context.SaveEvse(evse);
            }
        }
    }

    private void Start(Evse evse, TriggerReasonEnumType trigger, HashSet<string> conditions)
    {
        StartedCount++;
        evse.Transaction = new TransactionState
        {
            Id = Guid.NewGuid().ToString(),
            StartedAt = _context.Now,
            StartEnergyWh = evse.EnergyWh,
            RemoteStartId = evse.RemoteStartId,
            Conditions = [.. conditions],
            LastSample = _context.Now,
            LastEndedSample = _context.Now,
        };
        evse.Transaction.ReservationId = Reservation?.Consume(evse);
        if (SmartCharging is { } smart)
        {
            // K05: the remote start's TxProfile (and K03: the TxDefaultProfile) limit the transaction from its first event.
            smart.OnStarted(evse);
            conditions = Conditions(evse);
            _lastConditions[evse.Id] = conditions;
            evse.Transaction.Conditions = [.. conditions];
        }

        var state = ChargingState(evse, conditions);
        evse.Transaction.ChargingState = state;
        _events.Emit(evse, TransactionEventEnumType.Started, trigger, meter: _metering.Sample(evse, "SampledDataCtrlr", "TxStartedMeasurands", ReadingContextEnumType.TransactionBegin), chargingState: state);
    }
}
