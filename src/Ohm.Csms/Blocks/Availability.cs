using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block G, Availability, on the CSMS side.</summary>
public sealed class Availability(CsmsWriter writer, IStationCallRouter router, TimeProvider time, Events.IFleetChanges? changes = null)
{
    // G01 Status Notification: the connector's current status and its history.
    public async ValueTask<StatusNotificationResponse> StatusNotificationAsync(StatusNotificationRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        var status = request.ConnectorStatus.ToWire();
        var timestamp = request.Timestamp.ToUniversalTime();
        await writer.ExecuteForStationAsync(context.StationId, db => ApplyStatusAsync(db, context.StationId, request.EvseId, request.ConnectorId, status, timestamp, now), cancellationToken).ConfigureAwait(false);
        changes?.Publish(new Events.FleetChange(Events.FleetChangeKind.ConnectorStatus, context.StationId, now, request.EvseId, request.ConnectorId, status));
        return new StatusNotificationResponse();
    }

    /// <summary>
    /// Stores a connector's status, from a StatusNotification or a NotifyEvent of its AvailabilityState: a history row,
    /// and the connector's current row unless the status is older than the one stored (an offline replay).
    /// </summary>
    internal static async Task ApplyStatusAsync(CsmsDbContext db, string stationId, int evseId, int connectorId, string status, DateTimeOffset timestamp, DateTimeOffset now)
    {
        // One message may change a connector twice (NotifyEvent): its first change is not saved yet.
        var current = db.ConnectorStatuses.Local.FirstOrDefault(s => s.StationId == stationId && s.EvseId == evseId && s.ConnectorId == connectorId && s.Current)
            ?? await db.ConnectorStatuses
                .FirstOrDefaultAsync(s => s.StationId == stationId && s.EvseId == evseId && s.ConnectorId == connectorId && s.Current)
                .ConfigureAwait(false);
        var added = current is null;
        if (current is null)
        {
            current = new ConnectorStatusRecord { StationId = stationId, EvseId = evseId, ConnectorId = connectorId, Status = status, Current = true };
            db.ConnectorStatuses.Add(current);
        }

        if (added || timestamp >= current.Timestamp)
        {
            current.Status = status;
            current.Timestamp = timestamp;
            current.ReceivedAt = now;
        }

        db.ConnectorStatuses.Add(new ConnectorStatusRecord
        {
            StationId = stationId,
            EvseId = evseId,
            ConnectorId = connectorId,
            Status = status,
            Timestamp = timestamp,
            ReceivedAt = now,
        });
    }

    // G02 Heartbeat: last-seen is kept in the session and stored when the station disconnects.
#pragma warning disable CA1822 // Every handler of a block is an instance method, like its neighbours in the routing table.
    public ValueTask<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        StationSessions.Of(context.Connection).LastSeenAt = now;
        return ValueTask.FromResult(new HeartbeatResponse { CurrentTime = now });
    }
#pragma warning restore CA1822

    // G03 Change Availability EVSE/Connector, G04 Change Availability Charging Station.
    public Task<ChangeAvailabilityResponse> ChangeAvailabilityAsync(string stationId, OperationalStatusEnumType status, EVSEType? evse, CancellationToken cancellationToken) =>
        ChangeAvailabilityAsync(stationId, new ChangeAvailabilityRequest { OperationalStatus = status, Evse = evse }, cancellationToken);

    // G03, G04 Change Availability, the request as given.
    public Task<ChangeAvailabilityResponse> ChangeAvailabilityAsync(string stationId, ChangeAvailabilityRequest request, CancellationToken cancellationToken) =>
        router.CallAsync(stationId, request, cancellationToken);
}
