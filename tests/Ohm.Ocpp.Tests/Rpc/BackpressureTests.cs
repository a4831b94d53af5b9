using System.Net.Sockets;
using System.Text;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Ocpp.Tests.Rpc;

/// <summary>A peer that sends without reading what it is sent must not make the other end's work grow without bound.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task A_peer_that_floods_malformed_frames_and_never_reads_is_aborted_with_its_pending_sends_bounded()
    {
        const int queue = 4;
        await using var csms = await LoopbackCsms.StartAsync(o =>
        {
            o.KeepAliveInterval = TimeSpan.Zero;
            o.Rpc.MaxQueuedIncomingCalls = queue;
            o.Rpc.SendTimeout = TimeSpan.FromSeconds(1);
        });
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));

        // A raw TCP station with a small receive buffer that it never reads: our answers pile up at the server.
        using var tcp = new TcpClient { ReceiveBufferSize = 4096 };
        await tcp.ConnectAsync(csms.Endpoint.Host, csms.Endpoint.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET {csms.Endpoint.AbsolutePath}/FLOOD1 HTTP/1.1\r\nHost: {csms.Endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp2.0.1\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));
        var response = new byte[1024];
        var read = await stream.ReadAsync(response);
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString(response, 0, read), StringComparison.Ordinal);
        var connection = await csms.WaitForConnectionAsync("FLOOD1");

        // Malformed CALLs (no payload: answered by the receive loop itself), mixed with valid ones (answered through the
        // queue, and beyond it refused by the loop).
        var batch = new MemoryStream();
        for (var i = 0; i < 200; i++)
        {
            WriteTextFrame(batch, i % 4 == 0 ? $$"""[2,"hb-{{i}}","Heartbeat",{}]""" : $$"""[2,"{{new string('m', 30)}}{{i:D6}}","Heartbeat"]""");
        }

        var frames = batch.ToArray();
        var flood = Task.Run(async () =>
        {
            try
            {
                while (!connection.Completion.IsCompleted)
                {
                    await stream.WriteAsync(frames);
                }
            }
            catch (IOException)
            {
                // The server aborted the connection.
            }
        });

        var maxPending = 0;
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!connection.Completion.IsCompleted && !guard.IsCancellationRequested)
        {
            maxPending = Math.Max(maxPending, connection.PendingSends);
            await Task.WhenAny(connection.Completion, Task.Delay(5));
        }

        Assert.True(connection.Completion.IsCompleted, "The server kept the connection of a peer that never reads.");
        Assert.InRange(maxPending, 0, queue + 3);
        tcp.Client.LingerState = new LingerOption(true, 0);
        tcp.Client.Close();
        await flood.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(csms.Server.Find("FLOOD1"));
    }

    [Fact]
    public void A_send_timeout_that_is_not_positive_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new OcppRpcOptions { SendTimeout = TimeSpan.Zero }.Validate());
        Assert.Contains(nameof(OcppRpcOptions.SendTimeout), error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client frame (RFC 6455 5.2): FIN and text, masked with a zero key, so the payload goes as it is.</summary>
    private static void WriteTextFrame(Stream output, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.True(payload.Length < 126);
        output.WriteByte(0x81);
        output.WriteByte((byte)(0x80 | payload.Length));
        output.Write(new byte[4]);
        output.Write(payload);
    }
}
