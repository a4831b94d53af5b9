using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ohm.Csms.Tests.Events;

/// <summary>
/// A webhook receiver on a loopback Kestrel port: records every POST (body, headers); while <see cref="Down"/> it
/// answers 503 and takes nothing.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>What was taken (answered 200), in order.</summary>
    public ConcurrentQueue<(string Body, string? Signature, string? Delivery)> Taken { get; } = new();

    /// <summary>POSTs refused while down.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>Whether it answers 503.</summary>
    public bool Down { get; set; }

    public Uri Url => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook");

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (receiver.Down)
            {
                Interlocked.Increment(ref receiver._refused);
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            receiver.Taken.Enqueue((body, context.Request.Headers["X-Ohm-Signature"].ToString(), context.Request.Headers["X-Ohm-Delivery"].ToString()));
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
