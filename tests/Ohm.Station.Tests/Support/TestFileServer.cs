using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ohm.Station.Tests.Support;

/// <summary>
/// A small HTTP file server on a free loopback port (Kestrel), for the files stations download: GET /files/{name}
/// answers the bytes put there, 404 for an unknown name, and 503 while <see cref="FailNext"/> is above zero.
/// </summary>
public sealed class TestFileServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private int _failNext;
    private int _requests;

    private TestFileServer(WebApplication app) => _app = app;

    /// <summary>The server's base address, e.g. http://127.0.0.1:5123/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>How many GET requests arrived.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How many of the next requests fail with 503.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    public static async Task<TestFileServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var server = new TestFileServer(app);
        app.MapGet("/files/{name}", (string name) =>
        {
            Interlocked.Increment(ref server._requests);
            if (Interlocked.Decrement(ref server._failNext) >= 0)
            {
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }

            Interlocked.Exchange(ref server._failNext, 0);
            return server._files.TryGetValue(name, out var bytes) ? Results.Bytes(bytes, "application/octet-stream") : Results.NotFound();
        });
        await app.StartAsync();
        server.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Serves <paramref name="bytes"/> as /files/<paramref name="name"/>; returns its URL.</summary>
    public string Put(string name, byte[] bytes)
    {
        _files[name] = bytes;
        return new Uri(Address, "files/" + name).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
