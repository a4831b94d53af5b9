using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Tests.CustomerInformation;
using Ohm.Csms.Tests.Monitoring;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Ohm.Csms.Tests.Cluster.ClusterTestNodes;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>
/// A report asked for through one node's API from a station connected to another: the station's parts arrive at the
/// node that holds it, which stores them and relays them to the node whose API waits, so the call answers as on one
/// node (the report, what it removed, the assembled customer information) instead of timing out.
/// </summary>
public sealed class ClusterReportTests
{
    [PostgresFact]
    public async Task O03_N02_and_N09_reports_asked_through_node_2_from_stations_on_node_1_are_answered_and_stored_once()
    {
        await using var cluster = await TwoClusterNodes.StartAsync();
        var (node1, node2) = (cluster.Node1, cluster.Node2);

        var monitoring = new MonitoringStation();
        var pre = monitoring.Preconfigure("TemperatureSensor", "Temperature", MonitorEnumType.UpperThreshold, 90, 2);
        OcppConnection? connection = null;
        var handlers = monitoring.Handlers().On(OcppActions.GetDisplayMessages, (request, _, _) =>
        {
            // Two parts, sent after the answer, as a station does.
            _ = Task.Run(async () =>
            {
                await connection!.CallAsync(new NotifyDisplayMessagesRequest { RequestId = request.RequestId, Tbc = true, MessageInfo = [Message(2, "Two")] });
                await connection!.CallAsync(new NotifyDisplayMessagesRequest { RequestId = request.RequestId, MessageInfo = [Message(3, "Three")] });
            }, CancellationToken.None);
            return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Accepted });
        });
        connection = monitoring.Connection = await node1.BootedStationAsync("CS-REPORT", handlers);
        await using var held = connection;
        await UntilAsync(async () => (await node2.GetJsonAsync("api/stations/CS-REPORT")).GetProperty("online").GetBoolean(), "node 2 sees the station");

        // A message the CSMS knew that the station no longer holds: the complete report removes it (node 2 does, where it waits).
        await using (var db = node1.Database.CreateContext())
        {
            db.DisplayMessages.Add(new Ohm.Csms.Storage.Entities.DisplayMessageRecord
            {
                StationId = "CS-REPORT", MessageId = 1, Priority = "NormalCycle", Info = JsonSerializer.Serialize(Message(1, "Gone"), OcppJsonContext.Default.MessageInfoType), Source = "Set",
            });
            await db.SaveChangesAsync();
        }

        var display = await PostAsync(node2, "api/stations/CS-REPORT/display-messages/report", new { requestId = 41 });
        Assert.Equal("Accepted", display.GetProperty("status").GetString());
        Assert.Equal([2, 3], display.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        await using (var db = node1.Database.CreateContext())
        {
            Assert.Equal([2, 3], await db.DisplayMessages.AsNoTracking().Where(m => m.StationId == "CS-REPORT").OrderBy(m => m.MessageId).Select(m => m.MessageId).ToListAsync());
        }

        var report = await PostAsync(node2, "api/stations/CS-REPORT/commands/get-monitoring-report", new { requestId = 42 });
        Assert.Equal("Accepted", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("complete").GetBoolean());
        Assert.Equal([pre], report.GetProperty("monitors").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        await using (var db = node1.Database.CreateContext())
        {
            Assert.Equal(1, await db.MonitoringReports.CountAsync(r => r.StationId == "CS-REPORT" && r.RequestId == 42 && r.Complete));
        }

        // N09: the customer information in parts (sent one after the other, as OCPP-J has it), assembled in seqNo order where the API waits.
        var customer = new CustomerInformationTests.FakeStation { Parts = [(1, true, "transaction TX-9"), (0, true, "idToken CUST-1: "), (2, false, ", 4200 Wh")] };
        customer.Connection = await node1.BootedStationAsync("CS-CUSTOMER", customer.Handlers());
        await using var customerConnection = customer.Connection;
        await UntilAsync(async () => (await node2.GetJsonAsync("api/stations/CS-CUSTOMER")).GetProperty("online").GetBoolean(), "node 2 sees the second station");
        var information = await PostAsync(node2, "api/stations/CS-CUSTOMER/customer-information", new { report = true, idToken = new { idToken = "CUST-1", type = "ISO14443" } });
        Assert.Equal("Accepted", information.GetProperty("status").GetString());
        Assert.True(information.GetProperty("complete").GetBoolean());
        Assert.Equal("idToken CUST-1: transaction TX-9, 4200 Wh", information.GetProperty("data").GetString());
        var stored = await node1.GetJsonAsync($"api/stations/CS-CUSTOMER/customer-information/{information.GetProperty("requestId").GetInt32()}");
        Assert.Equal(3, stored.GetProperty("partsReceived").GetInt32());
    }

    private static MessageInfoType Message(int id, string text) =>
        new() { Id = id, Priority = MessagePriorityEnumType.NormalCycle, Message = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text } };

    private static async Task<JsonElement> PostAsync(CsmsTestHost node, string path, object body)
    {
        var response = await node.Api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
