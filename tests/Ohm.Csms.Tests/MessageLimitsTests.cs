using System.Net.Http.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests;

/// <summary>B05/B06: splitting by ItemsPerMessage works without a stored NotifyReport, and the operator can set the limits.</summary>
public sealed class MessageLimitsTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private static OcppHandlers Station(List<GetVariablesRequest> received) => new OcppHandlers().On(OcppActions.GetVariables, (request, _, _) =>
    {
        lock (received)
        {
            received.Add(request);
        }

        return ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = [.. request.GetVariableData.Select(d => new GetVariableResultType
            {
                AttributeStatus = GetVariableStatusEnumType.Accepted,
                AttributeValue = (d.Component.Name, d.Variable.Name, d.Variable.Instance) switch
                {
                    ("DeviceDataCtrlr", "ItemsPerMessage", "GetVariables") => "2",
                    ("DeviceDataCtrlr", "ItemsPerMessage", _) => "3",
                    ("DeviceDataCtrlr", "BytesPerMessage", _) => "65000",
                    _ => "x",
                },
                Component = d.Component,
                Variable = d.Variable,
            })],
        });
    });

    private static string Items(int count) =>
        "{\"getVariableData\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => "{\"component\":{\"name\":\"Test\"},\"variable\":{\"name\":\"V" + i + "\"}}")) + "]}";

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B06_with_no_stored_report_the_CSMS_reads_ItemsPerMessage_from_the_station_first_and_splits_by_it(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var received = new List<GetVariablesRequest>();
        await using var station = await csms.BootedStationAsync("CS-LIM", Station(received));

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-LIM/commands/get-variables", Items(5));

        Assert.Equal(200, status);
        Assert.Equal(5, body.GetProperty("getVariableResult").GetArrayLength());
        var reads = received.Where(r => r.GetVariableData.All(d => d.Component.Name == "DeviceDataCtrlr")).ToList();
        Assert.Equal(2, reads.Count);
        Assert.Equal([2, 2, 1], received.Except(reads).Select(r => r.GetVariableData.Count));

        var limits = await csms.GetJsonAsync("api/stations/CS-LIM/limits");
        Assert.Equal(2, limits.GetProperty("station").GetProperty("getVariables").GetProperty("itemsPerMessage").GetInt32());
        Assert.Equal(3, limits.GetProperty("station").GetProperty("setVariables").GetProperty("itemsPerMessage").GetInt32());
        Assert.Equal(65000, limits.GetProperty("effective").GetProperty("getVariables").GetProperty("bytesPerMessage").GetInt32());

        // Stored: the next split does not ask again.
        received.Clear();
        Assert.Equal(200, (await csms.PostJsonAsync("api/stations/CS-LIM/commands/get-variables", Items(3))).Status);
        Assert.Equal([2, 1], received.Select(r => r.GetVariableData.Count));
    }

    [Fact]
    public async Task B06_the_operator_sets_a_stations_limits_through_the_API_and_they_win_over_the_stations_own()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<GetVariablesRequest>();
        await using var station = await csms.BootedStationAsync("CS-LOP", Station(received));

        var put = await csms.Api.PutAsJsonAsync("api/stations/CS-LOP/limits", new { getVariables = new { itemsPerMessage = 1, bytesPerMessage = 4096 } });
        Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());

        Assert.Equal(200, (await csms.PostJsonAsync("api/stations/CS-LOP/commands/get-variables", Items(3))).Status);
        Assert.Equal([1, 1, 1], received.Select(r => r.GetVariableData.Count));
        var limits = await csms.GetJsonAsync("api/stations/CS-LOP/limits");
        Assert.Equal(1, limits.GetProperty("effective").GetProperty("getVariables").GetProperty("itemsPerMessage").GetInt32());
        Assert.Equal(4096, limits.GetProperty("operator").GetProperty("getVariables").GetProperty("bytesPerMessage").GetInt32());

        var bad = await csms.Api.PutAsJsonAsync("api/stations/CS-LOP/limits", new { setVariables = new { itemsPerMessage = 0 } });
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("setVariables.itemsPerMessage", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(404, (int)(await csms.Api.PutAsJsonAsync("api/stations/NOBODY/limits", new { })).StatusCode);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/NOBODY/limits")).StatusCode);
    }
}
