using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Sessions;

/// <summary>Opens and closes sessions as stations connect and disconnect, and keeps the connection history.</summary>
public sealed class StationConnections(StationSessions sessions, CsmsWriter writer, CsmsOptions options, TimeProvider time, ILogger<StationConnections> logger) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _closing = new();

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
        var session = sessions.Open(connection, station?.RegistrationStatus?.ToWire(), request.SecurityProfile, time.GetUtcNow());
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

        // A station that is not registered as accepted must boot first; a connection that never does is closed, so
        // that upgraded connections cannot be held without a boot. (An accepted station that reconnects need not boot.)
        if (!session.IsAccepted)
        {
            session.ArmBootDeadline(time.CreateTimer(_ => OnBootDeadline(session), null, TimeSpan.FromSeconds(options.BootDeadlineSeconds), Timeout.InfiniteTimeSpan));
        }
    }

    private void OnBootDeadline(StationSession session)
    {
        session.DisarmBootDeadline();
        if (session.BootReceived || !session.Connection.IsOpen)
        {
            return;
        }

        logger.LogWarning("Closing the connection of {StationId}: no BootNotification within {Seconds} s (Csms:BootDeadlineSeconds)", session.StationId, options.BootDeadlineSeconds);
        Own(CloseForNoBootAsync(session));
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

    // Owned, not fire-and-forget: the task is kept until it ends, awaited when the host stops, and logs its failure.
    private void Own(Task task)
    {
        _closing.TryAdd(task, 0);
        _ = task.ContinueWith(static (task, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(task, out _), _closing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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

    /// <summary>Waits for the disconnections still being recorded; the host calls it when it stops, before the writer stops.</summary>
    public async ValueTask DisposeAsync()
    {
        while (!_closing.IsEmpty)
        {
            await Task.WhenAll(_closing.Keys).ConfigureAwait(false);
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
        var now = time.GetUtcNow();
        var lastSeen = session.LastSeenAt;

        Own(CloseRecordAsync(session, now, lastSeen));
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
