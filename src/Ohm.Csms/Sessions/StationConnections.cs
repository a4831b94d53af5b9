using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Sessions;

/// <summary>Opens and closes sessions as stations connect and disconnect, and keeps the connection history.</summary>
public sealed class StationConnections(StationSessions sessions, CsmsWriter writer, ILogger<StationConnections> logger)
{
    /// <summary>Subscribes to the server's connection events.</summary>
    public void Attach(OcppServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.Connected += OnConnected;
        server.Disconnected += OnDisconnected;
    }

    private void OnConnected(OcppConnection connection, OcppConnectRequest request)
    {
        var station = StationAdmission.AdmittedStation(request);
        var session = sessions.Open(connection, station?.RegistrationStatus, request.SecurityProfile);
        var record = new ConnectionRecord
        {
            StationId = connection.StationId,
            ConnectedAt = session.ConnectedAt,
            RemoteAddress = request.RemoteAddress?.ToString(),
            SecurityProfile = request.SecurityProfile,
        };
        session.ConnectionRecorded = Record(session, writer.ExecuteForStationAsync(connection.StationId, async db =>
        {
            record.Id = await db.Statements<ConnectionRecord>().InsertAsync(record).ConfigureAwait(false);
            return record;
        }));
    }

    private async Task<long> Record(StationSession session, Task<ConnectionRecord> write)
    {
        try
        {
            var id = (await write.ConfigureAwait(false)).Id;

            // A finished Task<long> is smaller than this method's state, which would otherwise stay with the session.
            session.ConnectionRecorded = Task.FromResult(id);
            return id;
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            logger.LogError(ex, "Could not record the connection of {StationId}", session.StationId);
            return 0;
        }
    }

    private void OnDisconnected(OcppConnection connection)
    {
        if (connection.State is not StationSession session)
        {
            return;
        }

        sessions.Close(session);
        var now = DateTimeOffset.UtcNow;
        var lastSeen = session.LastSeenAt;
        _ = CloseRecordAsync(session, now, lastSeen);
    }

    private async Task CloseRecordAsync(StationSession session, DateTimeOffset now, DateTimeOffset? lastSeen)
    {
        var id = await session.ConnectionRecorded.ConfigureAwait(false);
        await writer.ExecuteForStationAsync(session.StationId, async db =>
        {
            var record = await db.Connections.FindAsync(id).ConfigureAwait(false);
            if (record is not null)
            {
                record.DisconnectedAt = now;
            }

            var station = await db.Stations.FindAsync(session.StationId).ConfigureAwait(false);
            if (station is not null && lastSeen is not null)
            {
                station.LastSeenAt = lastSeen;
            }
        }).ConfigureAwait(false);
    }
}
