using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ohm.Csms.Sessions;

namespace Ohm.Csms.Server.Health;

/// <summary>
/// The health endpoints, on the API listener: <c>/health/live</c> (the process answers; no dependency is checked),
/// <c>/health/ready</c> (every check tagged <see cref="Ready"/>) and <c>/health</c> (the same as ready). Each answers a
/// JSON body listing the checks with status, duration, description and data; 503 when Unhealthy, 200 otherwise
/// (Degraded included).
/// </summary>
internal static class HealthEndpoints
{
    /// <summary>The tag of the readiness checks.</summary>
    public const string Ready = "ready";

    public static IHealthChecksBuilder AddCsmsHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<MigrationsHealthCheck>("migrations", tags: [Ready])
            .AddCheck<DatabaseHealthCheck>("database", tags: [Ready])
            .AddCheck<WriterHealthCheck>("writer", tags: [Ready])
            .AddCheck<OcppListenerHealthCheck>("ocpp_listener", tags: [Ready]);

    public static void Map(RouteGroupBuilder onApi)
    {
        onApi.MapGet("/health/live", (HealthCheckService health, HttpContext context) => RespondAsync(context, health, _ => false, null)).ExcludeFromDescription();
        onApi.MapGet("/health/ready", (HealthCheckService health, StationSessions sessions, HttpContext context) => RespondAsync(context, health, IsReadiness, sessions)).ExcludeFromDescription();
        onApi.MapGet("/health", (HealthCheckService health, StationSessions sessions, HttpContext context) => RespondAsync(context, health, IsReadiness, sessions)).ExcludeFromDescription();
    }

    private static bool IsReadiness(HealthCheckRegistration registration) => registration.Tags.Contains(Ready);

    private static async Task RespondAsync(HttpContext context, HealthCheckService health, Func<HealthCheckRegistration, bool> predicate, StationSessions? sessions)
    {
        var report = await health.CheckHealthAsync(predicate, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store, no-cache";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteString("totalDuration", report.TotalDuration.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        if (sessions is not null)
        {
            json.WriteNumber("connectedStations", sessions.Count);
        }

        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("duration", entry.Duration.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("description", entry.Description);
            json.WriteStartObject("data");
            foreach (var (key, value) in entry.Data)
            {
                json.WritePropertyName(key);
                switch (value)
                {
                    case int i:
                        json.WriteNumberValue(i);
                        break;
                    case long l:
                        json.WriteNumberValue(l);
                        break;
                    case double d:
                        json.WriteNumberValue(d);
                        break;
                    case bool b:
                        json.WriteBooleanValue(b);
                        break;
                    default:
                        json.WriteStringValue(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
