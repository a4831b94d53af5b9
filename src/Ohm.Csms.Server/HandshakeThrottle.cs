using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Server;

/// <summary>
/// Answers 429 with Retry-After, before the OCPP server checks any credential, to a handshake from an address or for a
/// station identity that has used up its failed handshakes (Ocpp:FailedHandshakes). Each refusal is a security event;
/// only the first of a kind per flush is logged and stored as a row, the rest are counted.
/// </summary>
internal sealed class HandshakeThrottle(FailedHandshakes failures, SecurityEventLog securityEvents, CsmsMetrics metrics, ILogger<HandshakeThrottle> logger)
{
    /// <summary>The 429 answer when the request is throttled, else null.</summary>
    public Task? Refuses(HttpContext context)
    {
        var stationId = StationIdentity.FromPath(context.Request.Path.Value ?? "");
        if (!StationIdentity.IsValid(stationId, out _))
        {
            return null;
        }

        var remote = context.Connection.RemoteIpAddress;
        if (failures.RetryAfter(stationId, remote) is not { } retryAfter)
        {
            return null;
        }

        metrics.ConnectionRefused(RefusalReasons.RateLimited);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        if (securityEvents.Record(FailedHandshakes.RateLimitedType, stationId, remote, $"Too many failed handshakes (at most {failures.PerAddressPerMinute} per address, {failures.PerStationPerMinute} per station per minute); answered 429"))
        {
            logger.LogWarning("Security event {Type}: refused station {StationId} from {Remote} for {Seconds} s: too many failed handshakes", FailedHandshakes.RateLimitedType, stationId, remote, seconds);
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("Too many failed connection attempts; try again later.", context.RequestAborted);
    }
}
