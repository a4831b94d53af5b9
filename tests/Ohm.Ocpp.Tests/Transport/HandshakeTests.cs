using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
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

    [Theory]
    [InlineData("Sec-WebSocket-Protocol: ocpp1.6\r\n")]
    [InlineData("Sec-WebSocket-Protocol: ocpp2.0, ocpp1.6\r\n")]
    [InlineData("")]
    public async Task Without_a_supported_subprotocol_the_upgrade_is_refused_with_400_before_authentication(string protocolHeader)
    {
        var authentications = 0;
        await using var csms = await LoopbackCsms.StartAsync(o => o.Authenticate = _ =>
        {
            Interlocked.Increment(ref authentications);
            return ValueTask.FromResult(true);
        });

        // Credentials that are not even Basic auth: the subprotocol is checked first.
        var (status, body) = await RawHandshakeAsync(csms, "SUB2", protocolHeader + "Authorization: Bearer nonsense\r\n");

        Assert.Equal(400, status);
        Assert.Contains("ocpp2.0.1", body, StringComparison.Ordinal);
        Assert.Equal(0, authentications);
        Assert.Null(csms.Server.Find("SUB2"));
    }

    [Fact]
    public async Task A_WebSocket_client_without_a_supported_subprotocol_sees_the_400()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp1.6");
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(new Uri(csms.Endpoint + "/SUB3"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
        Assert.Null(csms.Server.Find("SUB3"));
    }

    [Fact]
    public async Task The_client_reports_a_refused_upgrade_with_its_status_and_the_subprotocol_it_offered()
    {
        // A CSMS that supports none of the station's subprotocols, as an Ohm CSMS answers it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var request = new byte[4096];
            var read = 0;
            while (!Encoding.ASCII.GetString(request, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await stream.ReadAsync(request.AsMemory(read));
            }

            const string body = "No supported subprotocol offered: this CSMS supports ocpp1.6 only.";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(
                $"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
        });

        var options = new OcppClientOptions { Endpoint = new Uri($"ws://127.0.0.1:{port}/ocpp"), StationId = "SUB4" };
        var error = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(options, new OcppHandlers()));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        Assert.Contains("ocpp2.0.1", error.Message, StringComparison.Ordinal);
        await server.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Sends a WebSocket upgrade request by hand and returns the status and body of the answer.</summary>
    private static async Task<(int Status, string Body)> RawHandshakeAsync(LoopbackCsms csms, string stationId, string extraHeaders)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(csms.Endpoint.Host, csms.Endpoint.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        var handshake = $"GET {csms.Endpoint.AbsolutePath}/{stationId} HTTP/1.1\r\nHost: {csms.Endpoint.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                        $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n{extraHeaders}\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(handshake));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var response = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            var text = response.ToString();
            var headersEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headersEnd >= 0)
            {
                var length = text.Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                if (length is null || text.Length - headersEnd - 4 >= int.Parse(length["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture))
                {
                    return (int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture), text[(headersEnd + 4)..]);
                }
            }

            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                return (int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture), headersEnd >= 0 ? text[(headersEnd + 4)..] : "");
            }

            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
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

    [Theory]
    [InlineData("CS%2541", "CSA")]
    [InlineData("CS%252F1", "CS/1")]
    [InlineData("CS%2F1", "CS/1")]
    [InlineData("CS%25", "CS%")]
    public async Task The_station_identity_is_percent_decoded_once_and_an_encoded_percent_or_slash_is_refused(string rawSegment, string twiceDecoded)
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var error = await Assert.ThrowsAsync<WebSocketException>(() => RawStation.ConnectAsync(csms.Endpoint, rawSegment));
        Assert.Contains("400", error.Message, StringComparison.Ordinal);
        Assert.Empty(csms.Server.Connections);
        Assert.Null(csms.Server.Find(twiceDecoded));
    }

    [Theory]
    [InlineData("/ocpp/CS%41", "CS%41")]
    [InlineData("/ocpp/CS%2F1", "CS%2F1")]
    [InlineData("/ocpp/site/CS1/", "CS1")]
    [InlineData("/ocpp/CS+1@site:A|b*", "CS+1@site:A|b*")]
    public void FromPath_takes_the_last_segment_of_a_decoded_path_as_it_is(string path, string identity) =>
        Assert.Equal(identity, StationIdentity.FromPath(path));

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
