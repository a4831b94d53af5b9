using System.Net.Sockets;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Transport;

public sealed class KeepAliveTests
{
    [Fact]
    public async Task A_peer_that_stops_answering_pings_is_detected_and_its_connection_closed()
    {
        await using var csms = await LoopbackCsms.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(200);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(300);
        });
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        csms.Server.Disconnected += c => disconnected.TrySetResult(c.StationId);

        // A station that completes the handshake by hand and then never reads again: a dead peer.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(csms.Endpoint.Host, csms.Endpoint.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET {csms.Endpoint.AbsolutePath}/DEAD1 HTTP/1.1\r\nHost: {csms.Endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var response = new byte[1024];
        var read = await stream.ReadAsync(response);
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(response, 0, read), StringComparison.Ordinal);
        Assert.NotNull(await csms.WaitForConnectionAsync("DEAD1"));

        Assert.Equal("DEAD1", await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Null(csms.Server.Find("DEAD1"));
    }

    [Fact]
    public async Task A_live_peer_answers_pings_and_stays_connected()
    {
        await using var csms = await LoopbackCsms.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.FromMilliseconds(100);
            o.KeepAliveTimeout = TimeSpan.FromMilliseconds(2000);
        });
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("ALIVE1"), new OcppHandlers());
        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(150);
            Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
        }

        Assert.True(station.IsOpen);
    }
}
