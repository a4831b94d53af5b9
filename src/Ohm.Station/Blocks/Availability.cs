using System.Globalization;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>G: availability. StatusNotification of every connector at boot and on every change (G01), ChangeAvailability (G03, G04) with Scheduled while a transaction runs, and the Heartbeat (G02).</summary>
public sealed class Availability
{
    private const string StationRecord = "station:inoperative";
    private readonly ChargingStation _station;
    private OperationalStatusEnumType? _stationScheduled;

    internal Availability(ChargingStation station) => _station = station;

    /// <summary>Whether the whole station was made Inoperative.</summary>
    public bool StationInoperative { get; private set; }

    /// <summary>The connector status of an EVSE as it stands now.</summary>
    public ConnectorStatusEnumType StatusOf(Evse evse)
    {
        ArgumentNullException.ThrowIfNull(evse);
        return evse.Transaction is null && (StationInoperative || evse.Inoperative) ? ConnectorStatusEnumType.Unavailable
            : evse.Plugged || evse.Transaction is not null ? ConnectorStatusEnumType.Occupied
            : ConnectorStatusEnumType.Available;
    }

    internal void Load()
    {
        StationInoperative = _station.Store.GetRecord(StationRecord) == "true";
        _stationScheduled = null;
    }

    /// <summary>Reports the status of every connector (force), or of those whose status changed since last reported.</summary>
    internal async Task ReportAllAsync(bool force)
    {
        await _station.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            foreach (var evse in _station.Evses.Values)
            {
                Update(evse, force);
            }
        }
        finally
        {
            _station.Gate.Release();
        }
    }

    /// <summary>G01: queues a StatusNotification when the connector's status changed. Call under the gate.</summary>
    internal void Update(Evse evse, bool force = false)
    {
        var status = StatusOf(evse);
        var text = status.ToString();
        _station.Model.SetInternal(new ComponentKey("Connector", null, evse.Id, evse.ConnectorId), "AvailabilityState", text);
        _station.Model.SetInternal(new ComponentKey("EVSE", null, evse.Id), "AvailabilityState", text);
        if (!force && status == evse.ReportedStatus)
        {
            return;
        }

        if (!_station.IsOnline && !_station.Model.Flag("OCPPCommCtrlr", "QueueAllMessages", false))
        {
            // Sent when the connection is back: the status differs from the one last reported.
            return;
        }

        evse.ReportedStatus = status;
        _station.Enqueue(new StatusNotificationRequest
        {
            Timestamp = _station.Now,
            ConnectorStatus = status,
            EvseId = evse.Id,
            ConnectorId = evse.ConnectorId,
        });
    }

    /// <summary>G02: Heartbeat.</summary>
    internal Task<HeartbeatResponse> SendHeartbeatAsync(CancellationToken cancellationToken) =>
        _station.CallAsync(new HeartbeatRequest(), cancellationToken);

    /// <summary>G03/G04: ChangeAvailability of the station, an EVSE or a connector.</summary>
    internal async ValueTask<ChangeAvailabilityResponse> ChangeAvailability(ChangeAvailabilityRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var inoperative = request.OperationalStatus == OperationalStatusEnumType.Inoperative;
        await _station.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (request.Evse is null || request.Evse.Id == 0)
            {
                if (inoperative && _station.Transactions.AnyRunning)
                {
                    _stationScheduled = request.OperationalStatus;
                    return Result(ChangeAvailabilityStatusEnumType.Scheduled);
                }

                SetStation(inoperative);
                return Result(ChangeAvailabilityStatusEnumType.Accepted);
            }

            if (!_station.Evses.TryGetValue(request.Evse.Id, out var evse) || (request.Evse.ConnectorId is { } c && c != evse.ConnectorId))
            {
                return Result(ChangeAvailabilityStatusEnumType.Rejected, "UnknownEvse");
            }

            if (inoperative && evse.Transaction is not null)
            {
                evse.ScheduledAvailability = request.OperationalStatus;
                _station.SaveEvse(evse);
                return Result(ChangeAvailabilityStatusEnumType.Scheduled);
            }

            evse.Inoperative = inoperative;
            evse.ScheduledAvailability = null;
            _station.SaveEvse(evse);
            Update(evse);
            _station.Report($"EVSE {evse.Id} {request.OperationalStatus}");
            return Result(ChangeAvailabilityStatusEnumType.Accepted);
        }
        finally
        {
            _station.Gate.Release();
        }
    }

    /// <summary>Applies an availability change that waited for the transaction to end. Called under the gate.</summary>
    internal void OnTransactionEnded(Evse evse)
    {
        if (evse.ScheduledAvailability is { } scheduled)
        {
            evse.Inoperative = scheduled == OperationalStatusEnumType.Inoperative;
            evse.ScheduledAvailability = null;
            _station.SaveEvse(evse);
        }

        if (_stationScheduled is { } station && !_station.Transactions.AnyRunning)
        {
            _stationScheduled = null;
            SetStation(station == OperationalStatusEnumType.Inoperative);
        }
    }

    private void SetStation(bool inoperative)
    {
        StationInoperative = inoperative;
        _station.Store.SetRecord(StationRecord, inoperative ? "true" : "false");
        _station.Model.SetInternal(new ComponentKey("ChargingStation"), "AvailabilityState", inoperative ? "Unavailable" : "Available");
        foreach (var evse in _station.Evses.Values)
        {
            Update(evse);
        }

        _station.Report("station " + (inoperative ? "Inoperative" : "Operative"));
    }

    private static ChangeAvailabilityResponse Result(ChangeAvailabilityStatusEnumType status, string? reason = null) => new()
    {
        Status = status,
        StatusInfo = reason is null ? null : new StatusInfoType { ReasonCode = reason },
    };

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
