using System.Text;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Ocpp.Tests.Rpc;

/// <summary>One CSMS and one station on loopback, each answering every action it receives with a full valid response.</summary>
public sealed class AllActionsFixture : IAsyncLifetime
{
    public LoopbackCsms Csms { get; private set; } = null!;

    public OcppConnection Station { get; private set; } = null!;

    public OcppConnection CsmsSide { get; private set; } = null!;

    public Dictionary<string, string> Received { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Csms = await LoopbackCsms.StartAsync();
        var stationHandlers = new OcppHandlers();
        foreach (var action in OcppActions.All)
        {
            if (action.IsSentBy(OcppRole.ChargingStation))
            {
                Csms.Handlers.On(action, (request, context, _) => Answer(action, request, "CSMS"));
            }

            if (action.IsSentBy(OcppRole.Csms))
            {
                stationHandlers.On(action, (request, context, _) => Answer(action, request, "station"));
            }
        }

        Station = await OcppClient.ConnectAsync(Csms.ClientOptions("ALL-ACTIONS"), stationHandlers);
        CsmsSide = await Csms.WaitForConnectionAsync("ALL-ACTIONS");
    }

    private ValueTask<object> Answer(OcppAction action, object request, string side)
    {
        lock (Received)
        {
            Received[side + ":" + action.Name] = JsonSerializer.Serialize(request, action.RequestTypeInfo);
        }

        return ValueTask.FromResult(AllActionsRoundTripTests.Read(action, SchemaSamples.Full(action.Name + "Response").ToJsonString(), response: true));
    }

    public async Task DisposeAsync()
    {
        await Station.DisposeAsync();
        await Csms.DisposeAsync();
    }
}

public sealed class AllActionsRoundTripTests(AllActionsFixture fixture) : IClassFixture<AllActionsFixture>
{
    public static TheoryData<string, string> Sends()
    {
        var data = new TheoryData<string, string>();
        foreach (var action in OcppActions.All)
        {
            if (action.IsSentBy(OcppRole.ChargingStation))
            {
                data.Add(action.Name, "station");
            }

            if (action.IsSentBy(OcppRole.Csms))
            {
                data.Add(action.Name, "CSMS");
            }
        }

        return data;
    }

    internal static object Read(OcppAction action, string json, bool response)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var error = response ? action.ValidateResponse(bytes) : action.ValidateRequest(bytes);
        Assert.Null(error);
        return response ? action.ReadResponse(bytes) : action.ReadRequest(bytes);
    }

    [Fact]
    public void Every_one_of_the_64_actions_is_covered_once_per_sending_role()
    {
        Assert.Equal(65, Sends().Count);
    }

    [Theory]
    [MemberData(nameof(Sends))]
    public async Task The_sending_role_gets_a_schema_valid_response_from_the_registered_handler(string actionName, string sender)
    {
        var action = OcppActions.Find(actionName)!;
        var request = (IOcppRequest)Read(action, SchemaSamples.Full(actionName + "Request").ToJsonString(), response: false);
        var from = sender == "station" ? fixture.Station : fixture.CsmsSide;

        var response = await from.CallAsync(request);

        Assert.IsType(action.ResponseType, response);
        var responseJson = JsonSerializer.Serialize(response, action.ResponseTypeInfo);
        Assert.Null(action.ValidateResponse(Encoding.UTF8.GetBytes(responseJson)));
        var expected = JsonSerializer.Serialize(Read(action, SchemaSamples.Full(actionName + "Response").ToJsonString(), response: true), action.ResponseTypeInfo);
        Assert.Equal(expected, responseJson);
        var receiver = sender == "station" ? "CSMS" : "station";
        lock (fixture.Received)
        {
            Assert.Equal(JsonSerializer.Serialize(request, action.RequestTypeInfo), fixture.Received[receiver + ":" + actionName]);
        }
    }

    [Fact]
    public async Task A_station_may_not_send_an_action_that_only_the_CSMS_sends()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Station.CallAsync(new ResetRequest { Type = ResetEnumType.Immediate }));
    }
}
