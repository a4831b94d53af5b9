using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>G: availability. StatusNotification of every connector at boot and on every change (G01), ChangeAvailability (G03, G04) with Scheduled while a transaction runs, and the Heartbeat (G02).</summary>
public sealed class Availability
{
    private const string StationRecord = "station:inoperative";
    private readonly IStationContext _context;
    private readonly IStateGate _gate;
    private OperationalStatusEnumType? _stationScheduled;

    internal Availability(IStationContext context, IStateGate gate)
    {
        _context = context;
        _gate = gate;
    }

    /// <summary>H: whether a free EVSE's connector shows Reserved (set by the Reservation block).</summary>
    internal Func<Evse, bool>? Reserved { get; set; }

    /// <summary>H: told of an EVSE before its status is computed and reported (the Reservation block drops a reservation of an unavailable EVSE).</summary>
    internal Action<Evse>? Updating { get; set; }

    /// <summary>Whether the whole station was made Inoperative.</summary>
    public bool StationInoperative { get; private set; }

    /// <summary>The connector status of an EVSE as it stands now.</summary>
    public ConnectorStatusEnumType StatusOf(Evse evse)
    {
        ArgumentNullException.ThrowIfNull(evse);
        return evse.Faulted ? ConnectorStatusEnumType.Faulted
            : evse.Transaction is null && (StationInoperative || evse.Inoperative) ? ConnectorStatusEnumType.Unavailable
            : evse.Plugged || evse.Transaction is not null ? ConnectorStatusEnumType.Occupied
            : Reserved?.Invoke(evse) == true ? ConnectorStatusEnumType.Reserved
            : ConnectorStatusEnumType.Available;
    }

    internal void Load()
    {
        StationInoperative = _context.Store.GetRecord(StationRecord) == "true";
        _stationScheduled = null;
    }

    /// <summary>Reports the status of every connector (force), or of those whose status changed since last reported.</summary>
    internal async Task ReportAllAsync(bool force)
    {
        await _gate.EnterAsync().ConfigureAwait(false);
        try
        {
            foreach (var evse in _context.Evses.Values)
            {
                Update(evse, force);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>G01: queues a StatusNotification when the connector's status changed. Call under the gate.</summary>
    internal void Update(Evse evse, bool force = false)
    {
        Updating?.Invoke(evse);
        var status = StatusOf(evse);
        var text = status.ToString();
        _context.Model.SetInternal(new ComponentKey("Connector", null, evse.Id, evse.ConnectorId), "AvailabilityState", text);
        _context.Model.SetInternal(new ComponentKey("EVSE", null, evse.Id), "AvailabilityState", text);
        if (!force && status == evse.ReportedStatus)
        {
            return;
        }

        if (!_context.IsOnline && !_context.Model.Flag("OCPPCommCtrlr", "QueueAllMessages", false))
        {
            // Sent when the connection is back: the status differs from the one last reported.
            return;
        }

        evse.ReportedStatus = status;
        _context.Enqueue(new StatusNotificationRequest
        {
            Timestamp = _context.Now,
            ConnectorStatus = status,
            EvseId = evse.Id,
            ConnectorId = evse.ConnectorId,
        });
    }

    /// <summary>G02: Heartbeat.</summary>
    internal Task<HeartbeatResponse> SendHeartbeatAsync(CancellationToken cancellationToken) =>
        _context.CallAsync(new HeartbeatRequest(), cancellationToken);

    /// <summary>G03/G04: ChangeAvailability of the station, an EVSE or a connector.</summary>
    internal async ValueTask<ChangeAvailabilityResponse> ChangeAvailability(ChangeAvailabilityRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var inoperative = request.OperationalStatus == OperationalStatusEnumType.Inoperative;
        await _gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.Evse is null || request.Evse.Id == 0)
            {
                if (inoperative && AnyTransactionRunning)
                {
                    _stationScheduled = request.OperationalStatus;
                    return Result(ChangeAvailabilityStatusEnumType.Scheduled);
                }

                SetStation(inoperative);
                return Result(ChangeAvailabilityStatusEnumType.Accepted);
            }

            if (!_context.Evses.TryGetValue(request.Evse.Id, out var evse) || (request.Evse.ConnectorId is { } c && c != evse.ConnectorId))
            {
                return Result(ChangeAvailabilityStatusEnumType.Rejected, "UnknownEvse");
            }

            if (inoperative && evse.Transaction is not null)
            {
                evse.ScheduledAvailability = request.OperationalStatus;
                _context.SaveEvse(evse);
                return Result(ChangeAvailabilityStatusEnumType.Scheduled);
            }

            evse.Inoperative = inoperative;
            evse.ScheduledAvailability = null;
            _context.SaveEvse(evse);
            Update(evse);
            _context.Report($"EVSE {evse.Id} {request.OperationalStatus}");
            return Result(ChangeAvailabilityStatusEnumType.Accepted);
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Applies an availability change that waited for the transaction to end. Called under the gate.</summary>
    internal void OnTransactionEnded(Evse evse)
    {
        if (evse.ScheduledAvailability is { } scheduled)
        {
            evse.Inoperative = scheduled == OperationalStatusEnumType.Inoperative;
            evse.ScheduledAvailability = null;
            _context.SaveEvse(evse);
        }

        if (_stationScheduled is { } station && !AnyTransactionRunning)
        {
            _stationScheduled = null;
            SetStation(station == OperationalStatusEnumType.Inoperative);
        }
    }

    private bool AnyTransactionRunning => _context.Evses.Values.Any(e => e.Transaction is not null);

    private void SetStation(bool inoperative)
    {
        StationInoperative = inoperative;
        _context.Store.SetRecord(StationRecord, inoperative ? "true" : "false");
        _context.Model.SetInternal(new ComponentKey("ChargingStation"), "AvailabilityState", inoperative ? "Unavailable" : "Available");
        foreach (var evse in _context.Evses.Values)
        {
            Update(evse);
        }

        _context.Report("station " + (inoperative ? "Inoperative" : "Operative"));
    }

    private static ChangeAvailabilityResponse Result(ChangeAvailabilityStatusEnumType status, string? reason = null) => new()
    {
        Status = status,
        StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = reason },
    };

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
