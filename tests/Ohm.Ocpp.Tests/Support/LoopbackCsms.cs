using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Support;

/// <summary>A CSMS built on Ohm.Ocpp alone, listening on a free loopback port, for end-to-end tests.</summary>
public sealed class LoopbackCsms : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackCsms(WebApplication app, OcppServer server, Uri endpoint)
    {
        _app = app;
        Server = server;
        Endpoint = endpoint;
    }

    public OcppServer Server { get; }

    /// <summary>The endpoint stations connect to, without the identity (ws://127.0.0.1:port/ocpp).</summary>
    public Uri Endpoint { get; }

    public OcppHandlers Handlers => Server.Handlers;

    public static async Task<LoopbackCsms> StartAsync(
        Action<OcppServerOptions>? configure = null,
        HttpsConnectionAdapterOptions? tls = null)
    {
        var options = new OcppServerOptions();
        configure?.Invoke(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders(); if (Environment.GetEnvironmentVariable("OHM_TEST_LOG") == "1") { builder.Logging.AddConsole(); }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            if (tls is not null)
            {
                listen.UseHttps(tls);
            }
        }));
        var app = builder.Build();
        var server = new OcppServer(new OcppHandlers(), options, app.Services.GetRequiredService<ILoggerFactory>());
        app.MapOcpp(server);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var ws = new Uri(address.Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + options.PathPrefix);
        return new LoopbackCsms(app, server, ws);
    }

    /// <summary>Waits until the station's connection is registered on the server.</summary>
    public async Task<OcppConnection> WaitForConnectionAsync(string stationId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (Server.Find(stationId) is { } connection)
            {
                return connection;
            }

            await Task.Delay(10, timeout.Token);
        }
    }

    public OcppClientOptions ClientOptions(string stationId, Action<OcppClientOptions>? configure = null)
    {
        var options = new OcppClientOptions { Endpoint = Endpoint, StationId = stationId };
        configure?.Invoke(options);
        return options;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
