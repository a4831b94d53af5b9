using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Sessions;

/// <summary>Opens and closes sessions as stations connect and disconnect, and keeps the connection history.</summary>
/// <remarks>
/// What it does after the event (closing a connection, recording a disconnection) is <see cref="BackgroundWork"/>:
/// owned, awaited when the host stops (before the writer stops), its failure logged.
/// </remarks>
public sealed class StationConnections(StationSessions sessions, CsmsWriter writer, BackgroundWork background, CsmsOptions options, TimeProvider time, ILogger<StationConnections> logger, CsmsMetrics? metrics = null, Blocks.LocalListDriver? localLists = null, Blocks.ISmartChargingSignals? signals = null, Events.IFleetChanges? changes = null, IStationPresence? presence = null, IStationDirectory? directory = null)
{
    private OcppServer? _server;
    private volatile bool _stopping;

    /// <summary>Subscribes to the server's connection events.</summary>
    public void Attach(OcppServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        server.Connected += OnConnected;
        server.Disconnected += OnDisconnected;
    }

    /// <summary>The host is stopping: the connections that close from now on are counted as closed by the shutdown.</summary>
    public void HostStopping() => _stopping = true;

    private void OnConnected(OcppConnection connection, OcppConnectRequest request)
    {
        metrics?.ConnectionOpened();
        var station = StationAdmission.AdmittedStation(request);
        var session = sessions.Open(connection, station?.RegistrationStatus?.ToWire(), request.SecurityProfile, time.GetUtcNow());
        var record = new ConnectionRecord
        {
            StationId = connection.StationId,
            ConnectedAt = session.ConnectedAt,
            RemoteAddress = request.RemoteAddress?.ToString(),
            SecurityProfile = request.SecurityProfile,
            NodeName = directory?.NodeName,
        };
        session.ConnectionRecorded = Record(session, writer.ExecuteForStationAsync(connection.StationId, async db =>
        {
            record.Id = await db.Statements<ConnectionRecord>().InsertAsync(record).ConfigureAwait(false);
            return record;
        }));

        // A station that is not registered as accepted must boot first; a connection that never does is closed, so
        // that upgraded connections cannot be held without a boot. (An accepted station that reconnects need not boot.)
        if (!session.IsAccepted)
        {
            session.ArmBootDeadline(time.CreateTimer(_ => OnBootDeadline(session), null, TimeSpan.FromSeconds(options.BootDeadlineSeconds), Timeout.InfiniteTimeSpan));
        }
        else
        {
            // D01: an accepted station that reconnects gets what is pending for its local list.
            localLists?.Connected(connection.StationId);
        }

        signals?.ConnectionChanged(connection.StationId, true);
        presence?.OnConnected(connection.StationId);
    }

    private void OnBootDeadline(StationSession session)
    {
        session.DisarmBootDeadline();
        if (session.BootReceived || !session.Connection.IsOpen)
        {
            return;
        }

        session.CloseReason ??= CloseReasons.NoBoot;
        logger.LogWarning("Closing the connection of {StationId}: no BootNotification within {Seconds} s (Csms:BootDeadlineSeconds)", session.StationId, options.BootDeadlineSeconds);
        background.Start($"Closing {session.StationId} for want of a BootNotification", _ => CloseForNoBootAsync(session));
    }

    private async Task CloseForNoBootAsync(StationSession session)
    {
        try
        {
            await session.Connection.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, $"No BootNotification within {options.BootDeadlineSeconds} s.").ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed close must never take the process down; the failure is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Could not close the connection of {StationId}", session.StationId);
        }
    }

    private async Task<long> Record(StationSession session, Task<ConnectionRecord> write)
    {
        try
        {
            var id = (await write.ConfigureAwait(false)).Id;
            changes?.Publish(new Events.FleetChange(Events.FleetChangeKind.Connected, session.StationId, session.ConnectedAt));

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
        session.DisarmBootDeadline();
        signals?.ConnectionChanged(session.StationId, false);
        presence?.OnDisconnected(session.StationId);
        metrics?.ConnectionClosed(CloseReason(connection, session));
        var now = time.GetUtcNow();
        var lastSeen = session.LastSeenAt;

        background.Start($"Recording the disconnection of {session.StationId}", _ => CloseRecordAsync(session, now, lastSeen));
    }

    /// <summary>Why the connection closed: what this CSMS decided, else what the connection saw.</summary>
    private string CloseReason(OcppConnection connection, StationSession session)
    {
        if (session.CloseReason is { } decided)
        {
            return decided;
        }

        if (connection.End == OcppConnectionEnd.ClosedByPeer)
        {
            return CloseReasons.StationClosed;
        }

        // The server holds the newer connection of the station before it closes the older one.
        if (_server?.Find(connection.StationId) is { } current && current != connection)
        {
            return CloseReasons.Replaced;
        }

        return connection.End switch
        {
            _ when _stopping => CloseReasons.ServerShutdown,
            OcppConnectionEnd.MessageTooBig or OcppConnectionEnd.BinaryMessage => CloseReasons.ProtocolError,
            OcppConnectionEnd.SendTimeout => CloseReasons.SendTimeout,
            OcppConnectionEnd.KeepAliveTimeout => CloseReasons.KeepAliveTimeout,
            OcppConnectionEnd.ClosedLocally => CloseReasons.ClosedByCsms,
            _ => CloseReasons.ConnectionLost,
        };
    }

    private async Task CloseRecordAsync(StationSession session, DateTimeOffset now, DateTimeOffset? lastSeen)
    {
        try
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
            changes?.Publish(new Events.FleetChange(Events.FleetChangeKind.Disconnected, session.StationId, now));
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The host is stopping and the writer has stopped taking work: the connection stays open in the history,
            // as after a crash.
            logger.LogInformation("The disconnection of {StationId} was not recorded: the CSMS is stopping", session.StationId);
        }
#pragma warning disable CA1031 // Recording the history must never take the process down; the failure is logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Could not record the disconnection of {StationId}", session.StationId);
        }
    }
}
