using System.Net;
using System.Net.WebSockets;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Transport;

public sealed class HandshakeTests
{
    private static OcppHandlers HeartbeatHandlers(OcppHandlers handlers) =>
        handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));

    [Fact]
    public async Task The_server_negotiates_permessage_deflate_and_compressed_traffic_works_both_ways()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        HeartbeatHandlers(csms.Handlers);
        var stationHandlers = new OcppHandlers().On<DataTransferRequest, DataTransferResponse>((request, _, _) =>
            ValueTask.FromResult(new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted, Data = request.Data }));

        var (socket, headers) = await OcppClient.OpenAsync(csms.ClientOptions("ZIP1"), null);
        var extensions = string.Join(",", headers.First(h => h.Key.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Contains("permessage-deflate", extensions, StringComparison.Ordinal);

        await using var station = new OcppConnection(socket, "ZIP1", OcppRole.ChargingStation, stationHandlers, new OcppRpcOptions());
        _ = station.RunAsync();
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));

        var csmsSide = await csms.WaitForConnectionAsync("ZIP1");
        var text = string.Concat(Enumerable.Repeat("compressible text ", 2000));
        var echoed = await csmsSide.CallAsync(new DataTransferRequest { VendorId = "Ohm", Data = System.Text.Json.JsonSerializer.SerializeToElement(text) });
        Assert.Equal(text, echoed.Data!.Value.GetString());
    }

    [Fact]
    public async Task Compression_is_optional_on_the_client()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        HeartbeatHandlers(csms.Handlers);
        var (socket, headers) = await OcppClient.OpenAsync(csms.ClientOptions("ZIP2", o => o.EnableCompression = false), null);
        Assert.DoesNotContain(headers, h => h.Key.Equals("Sec-WebSocket-Extensions", StringComparison.OrdinalIgnoreCase));
        await using var station = new OcppConnection(socket, "ZIP2", OcppRole.ChargingStation, new OcppHandlers(), new OcppRpcOptions());
        _ = station.RunAsync();
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
    }

    [Fact]
    public async Task The_server_selects_ocpp201_among_the_offered_subprotocols()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.AddSubProtocol("ocpp2.0.1");
        await socket.ConnectAsync(new Uri(csms.Endpoint + "/SUB1"), CancellationToken.None);
        Assert.Equal("ocpp2.0.1", socket.SubProtocol);
    }

    [Fact]
    public async Task Without_a_supported_subprotocol_the_connection_is_refused()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        var refused = false;
        try
        {
            await socket.ConnectAsync(new Uri(csms.Endpoint + "/SUB2"), CancellationToken.None);
            var result = await socket.ReceiveAsync(new byte[64], CancellationToken.None);
            refused = result.MessageType == WebSocketMessageType.Close && socket.CloseStatus == WebSocketCloseStatus.ProtocolError;
        }
        catch (WebSocketException)
        {
            refused = true;
        }

        Assert.True(refused);
        Assert.Null(csms.Server.Find("SUB2"));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("1234567890123456789012345678901234567890123456789")]
    public async Task An_identity_outside_identifierString_or_over_48_characters_is_refused_with_400(string identity)
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var error = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(csms.ClientOptions(identity), new OcppHandlers()));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Fact]
    public async Task A_percent_encoded_identity_is_decoded_from_the_last_path_segment()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("CS+1@site:A|b*"), new OcppHandlers());
        Assert.NotNull(await csms.WaitForConnectionAsync("CS+1@site:A|b*"));
    }

    [Fact]
    public async Task A_station_that_connects_again_replaces_its_older_connection()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        HeartbeatHandlers(csms.Handlers);
        await using var first = await OcppClient.ConnectAsync(csms.ClientOptions("TWICE"), new OcppHandlers());
        var firstServerSide = await csms.WaitForConnectionAsync("TWICE");
        await using var second = await OcppClient.ConnectAsync(csms.ClientOptions("TWICE"), new OcppHandlers());

        await firstServerSide.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        await first.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotSame(firstServerSide, csms.Server.Find("TWICE"));
        Assert.NotNull(await second.CallAsync(new HeartbeatRequest()));
    }
}
