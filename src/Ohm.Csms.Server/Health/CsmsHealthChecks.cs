using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Health;

/// <summary>Unhealthy while the migrations run (<see cref="MigrationGate"/>).</summary>
internal sealed class MigrationsHealthCheck(MigrationGate gate) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(gate.IsOpen ? HealthCheckResult.Healthy("The migrations are applied.") : HealthCheckResult.Unhealthy("The database migrations are running."));
}

/// <summary>
/// A round trip to the database on a connection of its own (<see cref="CsmsDatabase.ProbeAsync"/>), within
/// Health:DatabaseTimeoutSeconds; its data carry the writer's queue depth and the age of its oldest pending write.
/// </summary>
internal sealed class DatabaseHealthCheck(CsmsDatabase database, CsmsWriter writer, HealthOptions options, CsmsMetrics metrics) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["provider"] = database.Provider.ToString(),
            ["writerQueueDepth"] = writer.Queued,
            ["oldestPendingWriteSeconds"] = Math.Round(writer.OldestPendingAge.TotalSeconds, 3),
        };
        try
        {
            data["migrations"] = await database.ProbeAsync(TimeSpan.FromSeconds(options.DatabaseTimeoutSeconds), cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{database.Provider} answered.", data);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            metrics.DatabaseError(ex);
            return HealthCheckResult.Unhealthy($"{database.Provider} did not answer within {options.DatabaseTimeoutSeconds} s.", ex, data);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException or IOException or SocketException)
        {
            metrics.DatabaseError(ex);
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer: {ex.Message}", ex, data);
        }
    }
}

/// <summary>
/// Degraded when the writer's oldest pending write is older than Health:WriterDegradedSeconds, Unhealthy beyond
/// Health:WriterUnhealthySeconds: the database takes writes too slowly (or not at all), and stations wait for their answers.
/// </summary>
internal sealed class WriterHealthCheck(CsmsWriter writer, HealthOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var age = writer.OldestPendingAge.TotalSeconds;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["queueDepth"] = writer.Queued,
            ["oldestPendingWriteSeconds"] = Math.Round(age, 3),
        };
        var result = age > options.WriterUnhealthySeconds
            ? HealthCheckResult.Unhealthy($"The oldest pending write has waited {age:0.0} s (over Health:WriterUnhealthySeconds {options.WriterUnhealthySeconds}).", data: data)
            : age > options.WriterDegradedSeconds
                ? HealthCheckResult.Degraded($"The oldest pending write has waited {age:0.0} s (over Health:WriterDegradedSeconds {options.WriterDegradedSeconds}).", data: data)
                : HealthCheckResult.Healthy("The writer keeps up.", data);
        return Task.FromResult(result);
    }
}

/// <summary>
/// The OCPP listener accepts: a TCP connection to its own bound address (the loopback address when it listens on all
/// addresses) opens within Health:ListenerTimeoutSeconds, and is closed at once.
/// </summary>
internal sealed class OcppListenerHealthCheck(Listeners listeners, HealthOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (listeners.OcppEndPoint is not { Port: > 0 } bound)
        {
            return HealthCheckResult.Unhealthy("The OCPP listener is not bound.");
        }

        var target = new IPEndPoint(
            bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) ? IPAddress.Loopback : bound.Address,
            bound.Port);
        var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["endpoint"] = target.ToString() };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(options.ListenerTimeoutSeconds));
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(target, deadline.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"The OCPP listener on {target} accepts connections.", data);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"The OCPP listener on {target} did not accept within {options.ListenerTimeoutSeconds} s.", data: data);
        }
        catch (SocketException ex)
        {
            return HealthCheckResult.Unhealthy($"The OCPP listener on {target} refuses connections: {ex.SocketErrorCode}.", ex, data);
        }
    }
}
