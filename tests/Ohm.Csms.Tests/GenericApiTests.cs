using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>The generic <c>POST /api/stations/{id}/ocpp/{action}</c> goes through the same block methods as the command endpoints.</summary>
public sealed class GenericApiTests
{
    [Fact]
    public async Task F06_B02_FR_09_a_TriggerMessage_sent_through_the_generic_endpoint_lets_the_triggered_message_through_while_Pending()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-GT", bootPolicy: "Pending");
        var handlers = new OcppHandlers().On(OcppActions.TriggerMessage, (_, _, _) => ValueTask.FromResult(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted }));
        await using var station = await csms.ConnectAsync("CS-GT", handlers);
        Assert.Equal(RegistrationStatusEnumType.Pending, (await station.CallAsync(CsmsTestHost.Boot())).Status);

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-GT/ocpp/TriggerMessage", """{"requestedMessage":"Heartbeat"}""");

        Assert.Equal(200, status);
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));

        // Once: the next untriggered message is refused again (B02.FR.09).
        var refused = await Assert.ThrowsAsync<OcppCallErrorException>(() => station.CallAsync(new HeartbeatRequest()));
        Assert.Equal(Ocpp.OcppErrorCode.SecurityError, refused.Code);
    }

    [Theory]
    [InlineData("ocpp/Reset")]
    [InlineData("commands/reset")]
    public async Task B11_a_Reset_keeps_the_requests_customData_whichever_endpoint_sends_it(string path)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new TaskCompletionSource<ResetRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlers = new OcppHandlers().On(OcppActions.Reset, (request, _, _) =>
        {
            received.TrySetResult(request);
            return ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS-GR", handlers);

        var (status, body) = await csms.PostJsonAsync($"api/stations/CS-GR/{path}", """{"type":"OnIdle","evseId":1,"customData":{"vendorId":"com.example","reason":"maintenance"}}""");

        Assert.Equal(200, status);
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        var request = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ResetEnumType.OnIdle, request.Type);
        Assert.Equal(1, request.EvseId);
        Assert.Equal("com.example", request.CustomData?.VendorId);
        Assert.Equal("maintenance", request.CustomData?.AdditionalProperties?["reason"].GetString());
    }

    [Fact]
    public async Task B05_a_SetVariables_through_the_generic_endpoint_keeps_customData_in_every_part()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<SetVariablesRequest>();
        var handlers = new OcppHandlers().On(OcppActions.SetVariables, (request, _, _) =>
        {
            lock (received)
            {
                received.Add(request);
            }

            return ValueTask.FromResult(new SetVariablesResponse
            {
                SetVariableResult = [.. request.SetVariableData.Select(d => new SetVariableResultType { AttributeStatus = SetVariableStatusEnumType.Accepted, Component = d.Component, Variable = d.Variable })],
            });
        });
        await using var station = await csms.BootedStationAsync("CS-GS", handlers);

        var (status, _) = await csms.PostJsonAsync("api/stations/CS-GS/ocpp/SetVariables", """{"setVariableData":[{"attributeValue":"60","component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}],"customData":{"vendorId":"com.example"}}""");

        Assert.Equal(200, status);
        Assert.Equal("com.example", Assert.Single(received).CustomData?.VendorId);
    }
}
