using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Ocpp.Tests.Rpc;

/// <summary>Part 4 behaviour for frames that are not right, checked on the wire against a CSMS built on Ohm.Ocpp.</summary>
public sealed class MalformedInputTests : IAsyncLifetime
{
    private const string ValidHeartbeat = """[2,"hb-1","Heartbeat",{}]""";
    private LoopbackCsms _csms = null!;

    public async Task InitializeAsync()
    {
        _csms = await LoopbackCsms.StartAsync(o => o.Rpc.MaxMessageSize = 64 * 1024);
        _csms.Handlers
            .On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }))
            .On<AuthorizeRequest, AuthorizeResponse>((_, _, _) => throw new InvalidOperationException("secret internal detail"))
            .On<TransactionEventRequest, TransactionEventResponse>((_, _, _) => ValueTask.FromResult(new TransactionEventResponse()))
            .On<BootNotificationRequest, BootNotificationResponse>((_, _, _) => ValueTask.FromResult(new BootNotificationResponse
            {
                CurrentTime = DateTimeOffset.UtcNow,
                Interval = 300,
                Status = RegistrationStatusEnumType.Accepted,
            }));
    }

    public async Task DisposeAsync() => await _csms.DisposeAsync();

    private static void AssertCallError(JsonElement frame, string messageId, string code)
    {
        Assert.Equal(5, frame.GetArrayLength());
        Assert.Equal(4, frame[0].GetInt32());
        Assert.Equal(messageId, frame[1].GetString());
        Assert.Equal(code, frame[2].GetString());
        Assert.Equal(JsonValueKind.Object, frame[4].ValueKind);
    }

    private static async Task AssertStillServesAsync(RawStation station)
    {
        var reply = await station.ExchangeAsync(ValidHeartbeat);
        Assert.Equal(3, reply[0].GetInt32());
        Assert.Equal("hb-1", reply[1].GetString());
        Assert.True(reply[2].TryGetProperty("currentTime", out _));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("[2,\"id\",\"Heartbeat\",{}")]
    [InlineData("{\"messageTypeId\":2}")]
    [InlineData("\"just a string\"")]
    [InlineData("[]")]
    [InlineData("[\"2\",\"id\",\"Heartbeat\",{}]")]
    [InlineData("[2,17,\"Heartbeat\",{}]")]
    public async Task A_frame_that_is_not_an_OCPP_J_array_gets_RpcFrameworkError_with_id_minus_1_and_the_connection_stays_up(string frame)
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW1");
        AssertCallError(await station.ExchangeAsync(frame), "-1", "RpcFrameworkError");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task An_unknown_message_type_gets_MessageTypeNotSupported()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW2");
        AssertCallError(await station.ExchangeAsync("""[7,"m-7","Heartbeat",{}]"""), "m-7", "MessageTypeNotSupported");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_message_id_over_36_characters_gets_RpcFrameworkError()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW3");
        var id = new string('x', 37);
        AssertCallError(await station.ExchangeAsync($$"""[2,"{{id}}","Heartbeat",{}]"""), "-1", "RpcFrameworkError");
        var ok = await station.ExchangeAsync($$"""[2,"{{new string('y', 36)}}","Heartbeat",{}]""");
        Assert.Equal(3, ok[0].GetInt32());
    }

    [Fact]
    public async Task A_CALL_without_payload_gets_RpcFrameworkError_with_its_id()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW4");
        AssertCallError(await station.ExchangeAsync("""[2,"m-4","Heartbeat"]"""), "m-4", "RpcFrameworkError");
    }

    [Fact]
    public async Task An_unknown_action_gets_NotImplemented()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW5");
        AssertCallError(await station.ExchangeAsync("""[2,"m-5","FlyToTheMoon",{}]"""), "m-5", "NotImplemented");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task An_action_the_CSMS_sends_but_never_receives_gets_NotSupported()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW6");
        AssertCallError(await station.ExchangeAsync("""[2,"m-6","Reset",{"type":"Immediate"}]"""), "m-6", "NotSupported");
    }

    [Fact]
    public async Task A_known_action_without_a_handler_gets_NotSupported()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW7");
        AssertCallError(await station.ExchangeAsync("""[2,"m-7","NotifyEvent",{}]"""), "m-7", "NotSupported");
    }

    [Theory]
    [InlineData("""{"reason":"PowerUp"}""", "OccurrenceConstraintViolation", "chargingStation")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"vendorName":"V"}}""", "OccurrenceConstraintViolation", "chargingStation.model")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":12,"vendorName":"V"}}""", "TypeConstraintViolation", "chargingStation.model")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"123456789012345678901234567890123456789012345678901"}}""", "PropertyConstraintViolation", "chargingStation.vendorName")]
    [InlineData("""{"reason":"Sunrise","chargingStation":{"model":"M","vendorName":"V"}}""", "PropertyConstraintViolation", "reason")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","colour":"red"}}""", "FormatViolation", "chargingStation.colour")]
    [InlineData("""[1,2,3]""", "TypeConstraintViolation", "")]
    public async Task A_payload_that_breaks_the_schema_gets_the_matching_code_and_a_description_naming_the_field(string payload, string code, string field)
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW8");
        var reply = await station.ExchangeAsync($$"""[2,"b-1","BootNotification",{{payload}}]""");
        AssertCallError(reply, "b-1", code);
        Assert.StartsWith(field.Length > 0 ? field + " " : "payload ", reply[3].GetString(), StringComparison.Ordinal);
        await AssertStillServesAsync(station);
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00", "PropertyConstraintViolation")]
    [InlineData("yesterday", "PropertyConstraintViolation")]
    [InlineData("2024-02-30T12:00:00Z", "PropertyConstraintViolation")]
    public async Task A_date_time_without_an_offset_or_malformed_is_refused(string timestamp, string code)
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW9");
        var payload = $$$"""{"eventType":"Started","timestamp":"{{{timestamp}}}","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"T1"}}""";
        var reply = await station.ExchangeAsync($$"""[2,"t-1","TransactionEvent",{{payload}}]""");
        AssertCallError(reply, "t-1", code);
        Assert.StartsWith("timestamp ", reply[3].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_date_time_with_an_offset_is_accepted()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW10");
        var payload = """{"eventType":"Started","timestamp":"2024-05-01T14:00:00.5+02:00","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"T1"}}""";
        var reply = await station.ExchangeAsync($$"""[2,"t-2","TransactionEvent",{{payload}}]""");
        Assert.Equal(3, reply[0].GetInt32());
    }

    [Fact]
    public async Task A_handler_that_throws_gets_InternalError_without_exception_details()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW11");
        var reply = await station.ExchangeAsync("""[2,"a-1","Authorize",{"idToken":{"idToken":"X","type":"Central"}}]""");
        AssertCallError(reply, "a-1", "InternalError");
        var description = reply[3].GetString()!;
        Assert.DoesNotContain("secret", description, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", description, StringComparison.Ordinal);
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_CALLRESULT_or_CALLERROR_matching_no_pending_call_is_dropped_and_the_connection_stays_up()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW12");
        await station.SendAsync("""[3,"nobody-asked",{}]""");
        await station.SendAsync("""[4,"nobody-asked","GenericError","",{}]""");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_frame_over_the_maximum_size_closes_the_connection_with_1009()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW13");
        var huge = new string('a', 70 * 1024);
        await station.SendAsync($$"""[2,"big","DataTransfer",{"vendorId":"V","data":"{{huge}}"}]""");
        Assert.Null(await station.ReceiveAsync());
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, station.CloseStatus);
    }

    [Fact]
    public async Task A_frame_just_under_the_maximum_size_is_served()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW14");
        var large = new string('a', 60 * 1024);
        var reply = await station.ExchangeAsync($$"""[2,"big","DataTransfer",{"vendorId":"V","data":"{{large}}"}]""");
        AssertCallError(reply, "big", "NotSupported");
    }

    [Theory]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"\ud800","vendorName":"V"}}""", "chargingStation.model")]
    [InlineData("""{"reason":"\udc00","chargingStation":{"model":"M","vendorName":"V"}}""", "reason")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","customData":{"vendorId":"V","\ud800":1}}}""", "chargingStation.customData")]
    [InlineData("""{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V","customData":{"vendorId":"V","x":["\ud800"]}}}""", "chargingStation.customData.x[0]")]
    public async Task A_lone_surrogate_in_a_string_gets_FormatViolation_naming_the_field(string payload, string field)
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW15");
        var reply = await station.ExchangeAsync($$"""[2,"s-1","BootNotification",{{payload}}]""");
        AssertCallError(reply, "s-1", "FormatViolation");
        Assert.StartsWith(field + " ", reply[3].GetString(), StringComparison.Ordinal);
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task Invalid_UTF_8_in_a_text_frame_ends_the_connection_without_an_answer()
    {
        // The WebSocket layer checks text frames (RFC 6455 8.1: it fails the connection with 1007) before the RPC layer
        // sees them; the validator checks UTF-8 as well (InvalidTextTests) for payloads that arrive by other ways.
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW16");
        var frame = Encoding.UTF8.GetBytes("""[2,"u-1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M?","vendorName":"V"}}]""");
        frame[Array.IndexOf(frame, (byte)'?')] = 0xC3;
        await station.SendAsync(frame);
        JsonElement? reply = null;
        try
        {
            reply = await station.ReceiveAsync();
        }
        catch (WebSocketException)
        {
            // The server may drop the TCP connection before its close frame is read.
        }

        Assert.Null(reply);
    }

    [Theory]
    [InlineData("2024-05-01T12:00:00+15:00")]
    [InlineData("2024-05-01T12:00:00-23:59")]
    public async Task A_date_time_with_an_offset_beyond_14_hours_gets_PropertyConstraintViolation_naming_the_field(string timestamp)
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW17");
        var payload = $$$"""{"eventType":"Started","timestamp":"{{{timestamp}}}","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"T1"}}""";
        var reply = await station.ExchangeAsync($$"""[2,"t-3","TransactionEvent",{{payload}}]""");
        AssertCallError(reply, "t-3", "PropertyConstraintViolation");
        Assert.StartsWith("timestamp ", reply[3].GetString(), StringComparison.Ordinal);
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_lone_surrogate_in_the_message_id_gets_RpcFrameworkError_with_id_minus_1_and_the_connection_stays_up()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW18");
        AssertCallError(await station.ExchangeAsync("""[2,"id-\ud800","Heartbeat",{}]"""), "-1", "RpcFrameworkError");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_lone_surrogate_in_the_action_name_gets_RpcFrameworkError_with_its_id_and_the_connection_stays_up()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW19");
        AssertCallError(await station.ExchangeAsync("""[2,"a-2","Heart\udbffbeat",{}]"""), "a-2", "RpcFrameworkError");
        await AssertStillServesAsync(station);
    }

    [Fact]
    public async Task A_CALLERROR_with_a_lone_surrogate_is_dropped_and_the_connection_stays_up()
    {
        await using var station = await RawStation.ConnectAsync(_csms.Endpoint, "RAW20");
        await station.SendAsync("""[4,"nobody-asked","Generic\ud800Error","\udc00",{}]""");
        await station.SendAsync("""[3,"nobody-\ud800",{}]""");
        await AssertStillServesAsync(station);
    }
}
