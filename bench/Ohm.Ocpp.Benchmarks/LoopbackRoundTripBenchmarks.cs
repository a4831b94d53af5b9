using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Benchmarks;

/// <summary>
/// Latency of one CALL and its CALLRESULT between a station (<see cref="OcppClient"/>) and a CSMS (<see cref="OcppServer"/>
/// under Kestrel) in the same process over a 127.0.0.1 WebSocket: framing, validation both ways, (de)serialization,
/// permessage-deflate when negotiated, and the TCP loopback.
/// </summary>
[MemoryDiagnoser, MedianColumn, MinColumn]
public class LoopbackRoundTrip
{
    private WebApplication _app = null!;
    private OcppConnection _station = null!;
    private TransactionEventRequest _transactionEvent = null!;

    [Params(false, true)]
    public bool Compression { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var handlers = new OcppHandlers()
            .On(OcppActions.Heartbeat, (_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }))
            .On(OcppActions.TransactionEvent, (_, _, _) => ValueTask.FromResult(new TransactionEventResponse()));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        _app = builder.Build();
        var server = new OcppServer(handlers, new OcppServerOptions { EnableCompression = Compression });
        _app.MapOcpp(server);
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var endpoint = new Uri(address.Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + "/ocpp");
        _station = await OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = endpoint, StationId = "BENCH-001", EnableCompression = Compression },
            new OcppHandlers());
        _transactionEvent = (TransactionEventRequest)OcppActions.TransactionEvent.ReadRequest(Payloads.TransactionEvent);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _station.DisposeAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Benchmark]
    public Task<HeartbeatResponse> Heartbeat() => _station.CallAsync(new HeartbeatRequest());

    [Benchmark]
    public Task<TransactionEventResponse> TransactionEvent() => _station.CallAsync(_transactionEvent);
}
