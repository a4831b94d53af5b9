using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Rpc;

public sealed class RpcRoundTripTests
{
    [Fact]
    public async Task Typed_CallAsync_returns_the_typed_response_of_the_registered_handler()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        var now = new DateTimeOffset(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
        csms.Handlers.On<HeartbeatRequest, HeartbeatResponse>((_, _, _) => ValueTask.FromResult(new HeartbeatResponse { CurrentTime = now }));

        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("CS001"), new OcppHandlers());
        HeartbeatResponse response = await station.CallAsync(new HeartbeatRequest());

        Assert.Equal(now, response.CurrentTime);
        Assert.Equal("ocpp2.0.1", station.SubProtocol);
    }

    [Fact]
    public async Task The_CSMS_calls_the_station_back_while_serving_its_CALL()
    {
        await using var csms = await LoopbackCsms.StartAsync();
        csms.Handlers.On<BootNotificationRequest, BootNotificationResponse>(async (request, context, ct) =>
        {
            var variables = await context.Connection.CallAsync(
                new GetVariablesRequest { GetVariableData = [new GetVariableDataType { Component = new ComponentType { Name = "OCPPCommCtrlr" }, Variable = new VariableType { Name = "HeartbeatInterval" } }] },
                ct);
            var interval = int.Parse(variables.GetVariableResult[0].AttributeValue!, System.Globalization.CultureInfo.InvariantCulture);
            return new BootNotificationResponse { CurrentTime = DateTimeOffset.UtcNow, Interval = interval, Status = RegistrationStatusEnumType.Accepted };
        });

        var stationHandlers = new OcppHandlers().On<GetVariablesRequest, GetVariablesResponse>((request, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = request.GetVariableData.Select(d => new GetVariableResultType
            {
                AttributeStatus = GetVariableStatusEnumType.Accepted,
                AttributeValue = "42",
                Component = d.Component,
                Variable = d.Variable,
            }).ToList(),
        }));
        await using var station = await OcppClient.ConnectAsync(csms.ClientOptions("CS002"), stationHandlers);

        var boot = await station.CallAsync(new BootNotificationRequest
        {
            ChargingStation = new ChargingStationType { Model = "M", VendorName = "V" },
            Reason = BootReasonEnumType.PowerUp,
        });

        Assert.Equal(42, boot.Interval);
        Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
    }
}
