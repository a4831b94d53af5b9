using System.Net.Sockets;
using System.Text;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Transport;

/// <summary>
/// How an idle connection ends on the CSMS side. The server waits on an idle connection with nothing but a pending
/// read, so these prove that every way a connection can end still reaches that read.
/// </summary>
public sealed class ConnectionEndTests
{
    [Fact]
    public async Task A_station_whose_TCP_connection_drops_without_a_close_handshake_is_disconnected()
    {
        await using var csms = await LoopbackCsms.StartAsync(o => o.KeepAliveInterval = TimeSpan.Zero);
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        csms.Server.Disconnected += c => disconnected.TrySetResult(c.StationId);

        var tcp = new TcpClient();
        await tcp.ConnectAsync(csms.Endpoint.Host, csms.Endpoint.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET {csms.Endpoint.AbsolutePath}/DROP1 HTTP/1.1\r\nHost: {csms.Endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var response = new byte[1024];
        var read = await stream.ReadAsync(response);
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(response, 0, read), StringComparison.Ordinal);
        Assert.NotNull(await csms.WaitForConnectionAsync("DROP1"));

        // Reset, not close: the station vanishes without a word.
        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Dispose();

        Assert.Equal("DROP1", await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Null(csms.Server.Find("DROP1"));
    }

    [Fact]
    public async Task Closing_an_idle_connection_from_the_server_reaches_the_station_and_fires_Disconnected()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var disconnected = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        csms.Server.Disconnected += c => disconnected.TrySetResult(c.StationId);
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("CLOSE1"), new OcppHandlers());
        var server = await csms.WaitForConnectionAsync("CLOSE1");

        await server.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye");

        Assert.Equal("CLOSE1", await disconnected.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        await station.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(station.IsOpen);
    }

    [Fact]
    public async Task Cancelling_the_token_given_to_RunAsync_ends_an_idle_connection()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var (socket, _) = await OcppClient.OpenAsync(csms.ClientOptions("CANCEL1"), null);
        await using var connection = new OcppConnection(socket, "CANCEL1", OcppRole.ChargingStation, new OcppHandlers(), new OcppRpcOptions());
        using var cancel = new CancellationTokenSource();
        var running = connection.RunAsync(cancel.Token);
        Assert.NotNull(await csms.WaitForConnectionAsync("CANCEL1"));

        await cancel.CancelAsync();

        await running.WaitAsync(TimeSpan.FromSeconds(20));
        await connection.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(connection.IsOpen);
    }
}
