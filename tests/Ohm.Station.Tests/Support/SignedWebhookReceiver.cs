using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ohm.Station.Tests.Support;

/// <summary>
/// A webhook receiver on a loopback Kestrel port that checks what the Ohm CSMS signs: each POST's X-Ohm-Signature must
/// be sha256= and the lowercase hex HMAC-SHA256 of the body with <see cref="Secret"/>. A signed POST is taken (200);
/// a POST whose signature does not match is refused (401) and counted.
/// </summary>
public sealed class SignedWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _badSignatures;

    private SignedWebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The webhook's secret, as the CSMS showed it when the webhook was registered.</summary>
    public string? Secret { get; set; }

    /// <summary>The bodies taken (signature valid), with their X-Ohm-Delivery, in order.</summary>
    public ConcurrentQueue<(string Body, string? Delivery)> Taken { get; } = new();

    /// <summary>POSTs refused for a missing or wrong signature.</summary>
    public int BadSignatures => Volatile.Read(ref _badSignatures);

    /// <summary>Where the CSMS POSTs.</summary>
    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook");

    /// <summary>sha256= and the lowercase hex HMAC-SHA256 of <paramref name="body"/> with <paramref name="secret"/>.</summary>
    public static string Signature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    public static async Task<SignedWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new SignedWebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            var signature = context.Request.Headers["X-Ohm-Signature"].ToString();
            if (receiver.Secret is not { } secret || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Signature(secret, body)), Encoding.ASCII.GetBytes(signature)))
            {
                Interlocked.Increment(ref receiver._badSignatures);
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            receiver.Taken.Enqueue((body, context.Request.Headers["X-Ohm-Delivery"].ToString()));
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
