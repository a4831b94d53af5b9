using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Rpc;

public sealed class CallFlowTests
{
    private static HeartbeatResponse Now() => new() { CurrentTime = DateTimeOffset.UtcNow };

    [Fact]
    public async Task At_most_one_CALL_is_in_flight_and_further_calls_wait_in_order()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var inFlight = 0;
        var maxInFlight = 0;
        var order = new List<string>();
        csms.Handlers.On<DataTransferRequest, DataTransferResponse>(async (request, _, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            lock (order)
            {
                maxInFlight = Math.Max(maxInFlight, now);
                order.Add(request.MessageId!);
            }

            await Task.Delay(20, ct);
            Interlocked.Decrement(ref inFlight);
            return new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted };
        });
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("ORDER1"), new OcppHandlers());

        var calls = Enumerable.Range(0, 10)
            .Select(i => station.CallAsync(new DataTransferRequest { VendorId = "Ohm", MessageId = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }))
            .ToList();
        await Task.WhenAll(calls);

        Assert.Equal(1, maxInFlight);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), order);
    }

    [Fact]
    public async Task A_CALL_not_answered_within_the_call_timeout_fails_and_the_next_call_goes_through()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var slow = true;
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>(async (_, _, ct) =>
        {
            if (slow)
            {
                slow = false;
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }

            return Now();
        });
        await using var station = await OcppClient.ConnectAsync(
            csms.ClientOptions("TIMEOUT1", o => o.Rpc.CallTimeout = TimeSpan.FromMilliseconds(300)),
            new OcppHandlers());

        await Assert.ThrowsAsync<OcppCallTimeoutException>(() => station.CallAsync(new HeartbeatRequest()));

        // The late answer to the first call matches no pending call and is dropped; the second call gets its own.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
    }

    [Fact]
    public async Task A_CALLERROR_reaches_the_caller_as_OcppCallErrorException_with_its_code()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<AuthorizeRequest, AuthorizeResponse>((_, _, _) => throw new OcppCallErrorException("Authorize", OcppErrorCode.SecurityError, "Token rejected by policy"));
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("ERR1"), new OcppHandlers());

        var error = await Assert.ThrowsAsync<OcppCallErrorException>(() =>
            station.CallAsync(new AuthorizeRequest { IdToken = new IdTokenType { IdToken = "X", Type = IdTokenEnumType.Central } }));

        Assert.Equal(OcppErrorCode.SecurityError, error.Code);
        Assert.Equal("Token rejected by policy", error.Description);
    }

    [Fact]
    public async Task An_outgoing_payload_that_breaks_the_schema_never_reaches_the_wire()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var received = 0;
        csms.Handlers.On<AuthorizeRequest, AuthorizeResponse>((_, _, _) =>
        {
            Interlocked.Increment(ref received);
            return ValueTask.FromResult(new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } });
        });
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("OUT1"), new OcppHandlers());

        var error = await Assert.ThrowsAsync<OcppPayloadException>(() =>
            station.CallAsync(new AuthorizeRequest { IdToken = new IdTokenType { IdToken = new string('x', 37), Type = IdTokenEnumType.Central } }));

        Assert.Equal(OcppErrorCode.PropertyConstraintViolation, error.Error.Code);
        Assert.Equal("idToken.idToken", error.Error.Path);
        Assert.NotNull(await station.CallAsync(new AuthorizeRequest { IdToken = new IdTokenType { IdToken = "ok", Type = IdTokenEnumType.Central } }));
        Assert.Equal(1, received);
    }

    [Fact]
    public async Task A_handler_response_that_breaks_the_schema_is_answered_with_InternalError()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = default, CustomData = new CustomDataType { VendorId = new string('v', 300) } }));
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("OUT2"), new OcppHandlers());

        var error = await Assert.ThrowsAsync<OcppCallErrorException>(() => station.CallAsync(new HeartbeatRequest()));
        Assert.Equal(OcppErrorCode.InternalError, error.Code);
    }

    [Fact]
    public async Task Date_times_go_out_in_UTC_with_Z_and_milliseconds()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse
        {
            CurrentTime = new DateTimeOffset(2025, 1, 2, 5, 4, 5, 678, TimeSpan.FromHours(2)).AddTicks(1234),
        }));
        await using var station = await RawStation.ConnectAsync(csms.Endpoint, "UTC1");
        var reply = await station.ExchangeAsync("""[2,"h","Heartbeat",{}]""");
        Assert.Equal("2025-01-02T03:04:05.678Z", reply[2].GetProperty("currentTime").GetString());
    }

    [Fact]
    public async Task A_call_on_a_closed_connection_fails_with_OcppConnectionClosedException()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var station = await OcppClient.ConnectAsync(csms.ClientOptions("CLOSED1"), new OcppHandlers());
        await station.DisposeAsync();
        await Assert.ThrowsAsync<OcppConnectionClosedException>(() => station.CallAsync(new HeartbeatRequest()));
    }
}
