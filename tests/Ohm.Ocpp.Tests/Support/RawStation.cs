using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Ohm.Ocpp.Tests.Support;

/// <summary>A bare WebSocket station that sends and reads raw text frames, for tests of malformed input.</summary>
public sealed class RawStation : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private RawStation(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static async Task<RawStation> ConnectAsync(Uri endpoint, string stationId)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0.1");
        await socket.ConnectAsync(new Uri(endpoint + "/" + stationId), CancellationToken.None);
        return new RawStation(socket);
    }

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends raw bytes as one text frame, whether or not they are UTF-8.</summary>
    public Task SendAsync(byte[] text) =>
        _socket.SendAsync(text, WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Reads the next message as JSON; null when the server closed the connection instead.</summary>
    public async Task<JsonElement?> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var total = 0;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            total += result.Count;
            if (result.EndOfMessage)
            {
                return JsonDocument.Parse(buffer.AsMemory(0, total)).RootElement.Clone();
            }
        }
    }

    /// <summary>Sends a frame and reads the answer.</summary>
    public async Task<JsonElement> ExchangeAsync(string text)
    {
        await SendAsync(text);
        return await ReceiveAsync() ?? throw new InvalidOperationException($"The server closed the connection (status {CloseStatus}).");
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (WebSocketException)
            {
            }
        }

        _socket.Dispose();
    }
}
