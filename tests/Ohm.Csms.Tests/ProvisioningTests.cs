using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Server;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>Block B on the CSMS side, end to end: a real server on loopback, stations built on Ohm.Ocpp.</summary>
public sealed class ProvisioningTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B01_an_accepted_boot_is_stored_with_vendor_model_serial_firmware_and_modem(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db, ("Csms:HeartbeatInterval", "120"));
        await csms.RegisterAsync("CS-B01");
        await using var station = await csms.ConnectAsync("CS-B01");

        var boot = await station.CallAsync(CsmsTestHost.Boot());

        Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
        Assert.Equal(120, boot.Interval);
        var stored = await csms.GetJsonAsync("api/stations/CS-B01");
        Assert.Equal("Accepted", stored.GetProperty("registrationStatus").GetString());
        Assert.Equal("Ohm", stored.GetProperty("vendorName").GetString());
        Assert.Equal("TestModel", stored.GetProperty("model").GetString());
        Assert.Equal("SN-1", stored.GetProperty("serialNumber").GetString());
        Assert.Equal("1.2.3", stored.GetProperty("firmwareVersion").GetString());
        Assert.Equal("8931", stored.GetProperty("modemIccid").GetString());
        Assert.True(stored.GetProperty("online").GetBoolean());
        var connections = (await csms.GetJsonAsync("api/stations/CS-B01/connections")).GetProperty("items");
        Assert.Equal(1, connections[0].GetProperty("securityProfile").GetInt32());
        Assert.Equal("127.0.0.1", connections[0].GetProperty("remoteAddress").GetString());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B02_boot_Pending_then_Accepted_and_only_BootNotification_gets_through_while_Pending(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db, ("Csms:BootRetryInterval", "7"));
        await csms.RegisterAsync("CS-B02", bootPolicy: "Pending");
        var stationHandlers = new OcppHandlers().On(OcppActions.GetVariables, (request, _, _) => ValueTask.FromResult(new GetVariablesResponse
        {
            GetVariableResult = request.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.Accepted, AttributeValue = "x", Component = d.Component, Variable = d.Variable }).ToList(),
        }));
        await using var station = await csms.ConnectAsync("CS-B02", stationHandlers);

        var pending = await station.CallAsync(CsmsTestHost.Boot());
        Assert.Equal(RegistrationStatusEnumType.Pending, pending.Status);
        Assert.Equal(7, pending.Interval);

        // B02.FR.09: anything but BootNotification is answered with SecurityError while Pending.
        var refused = await Assert.ThrowsAsync<OcppCallErrorException>(() => station.CallAsync(new HeartbeatRequest()));
        Assert.Equal(OcppErrorCode.SecurityError, refused.Code);

        // B02.FR.01: the CSMS may still configure a Pending station.
        var (status, body) = await csms.PostJsonAsync("api/stations/CS-B02/commands/get-variables", """{"getVariableData":[{"component":{"name":"ClockCtrlr"},"variable":{"name":"DateTime"}}]}""");
        Assert.Equal(200, status);
        Assert.Equal("Accepted", body.GetProperty("getVariableResult")[0].GetProperty("attributeStatus").GetString());

        // F06 with B02: a triggered message gets through while Pending.
        var triggered = new TaskCompletionSource();
        stationHandlers.On(OcppActions.TriggerMessage, (_, context, _) =>
        {
            _ = Task.Run(async () =>
            {
                await context.Connection.CallAsync(new HeartbeatRequest());
                triggered.SetResult();
            }, CancellationToken.None);
            return ValueTask.FromResult(new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted });
        });
        Assert.Equal(200, (await csms.PostJsonAsync("api/stations/CS-B02/commands/trigger-message", """{"requestedMessage":"Heartbeat"}""")).Status);
        await triggered.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var update = await csms.Api.PutAsJsonAsync("api/stations/CS-B02", new { bootPolicy = "Accepted" });
        update.EnsureSuccessStatusCode();
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        Assert.NotNull(await station.CallAsync(new HeartbeatRequest()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B02_FR_09_while_Pending_even_an_action_the_CSMS_does_not_route_gets_SecurityError(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.RegisterAsync("CS-B02G", bootPolicy: "Pending");
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.AddSubProtocol("ocpp2.0.1");
        socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("CS-B02G:station-password-16")));
        await socket.ConnectAsync(new Uri(csms.OcppEndpoint + "/CS-B02G"), CancellationToken.None);

        async Task<JsonElement> Exchange(string frame)
        {
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(frame), System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[16 * 1024];
            var result = await socket.ReceiveAsync(buffer, new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            return JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone();
        }

        var boot = await Exchange("""[2,"b1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}]""");
        Assert.Equal("Pending", boot[2].GetProperty("status").GetString());

        // A CSMS-to-station action sent by the station, and a name that is no OCPP action at all: neither is routed.
        foreach (var frame in new[] { """[2,"r1","Reset",{"type":"Immediate"}]""", """[2,"x1","NoSuchAction",{}]""" })
        {
            var answer = await Exchange(frame);
            Assert.Equal(4, answer[0].GetInt32());
            Assert.Equal("SecurityError", answer[2].GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B03_a_Rejected_station_gets_SecurityError_for_anything_else(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.RegisterAsync("CS-B03", bootPolicy: "Rejected");
        await using var station = await csms.ConnectAsync("CS-B03");
        Assert.Equal(RegistrationStatusEnumType.Rejected, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        var refused = await Assert.ThrowsAsync<OcppCallErrorException>(() => station.CallAsync(new StatusNotificationRequest
        {
            Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = 1, ConnectorId = 1,
        }));
        Assert.Equal(OcppErrorCode.SecurityError, refused.Code);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_wrong_password_an_unknown_station_and_a_disabled_one_get_401_before_the_upgrade(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.RegisterAsync("CS-PW");
        var wrong = await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-PW", password: "not-the-password-at-all"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        var none = await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-PW", password: null));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        var unknown = await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-NOBODY"));
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        (await csms.Api.PutAsJsonAsync("api/stations/CS-PW", new { enabled = false })).EnsureSuccessStatusCode();
        var disabled = await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-PW"));
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);

        // The password is stored only as a salted hash.
        await using var context = csms.Database.CreateContext();
        var hash = (await context.Stations.SingleAsync(s => s.Id == "CS-PW")).PasswordHash!;
        Assert.DoesNotContain("station-password-16", hash, StringComparison.Ordinal);
        Assert.StartsWith("pbkdf2-sha256$", hash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_unknown_registers_a_new_station_on_first_connection()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:AcceptUnknown", "true"));
        await using var station = await csms.ConnectAsync("CS-NEW", password: null);
        Assert.Equal(RegistrationStatusEnumType.Accepted, (await station.CallAsync(CsmsTestHost.Boot())).Status);
        var stored = await csms.GetJsonAsync("api/stations/CS-NEW");
        Assert.True(stored.GetProperty("autoRegistered").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B07_a_device_model_of_500_variables_in_10_NotifyReport_parts_is_stored(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var stationHandlers = new OcppHandlers();
        int? requestId = null;
        stationHandlers.On(OcppActions.GetBaseReport, (request, _, _) =>
        {
            requestId = request.RequestId;
            return ValueTask.FromResult(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
        });
        await using var station = await csms.BootedStationAsync("CS-B07", stationHandlers);

        var (status, started) = await csms.PostJsonAsync("api/stations/CS-B07/commands/get-base-report", """{"reportBase":"FullInventory"}""");
        Assert.Equal(200, status);
        Assert.Equal(requestId, started.GetProperty("requestId").GetInt32());

        for (var part = 0; part < 10; part++)
        {
            var data = Enumerable.Range(part * 50, 50).Select(i => new ReportDataType
            {
                Component = new ComponentType { Name = "Component" + (i / 25), Evse = i % 2 == 0 ? new EVSEType { Id = 1, ConnectorId = 1 } : null },
                Variable = new VariableType { Name = "Variable" + i, Instance = i % 3 == 0 ? "Inst" : null },
                VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = "v" + i, Mutability = MutabilityEnumType.ReadWrite }, new VariableAttributeType { Type = AttributeEnumType.Target, Value = "t" + i }],
                VariableCharacteristics = new VariableCharacteristicsType { DataType = DataEnumType.Integer, Unit = "W", MinLimit = 0, MaxLimit = 1000, SupportsMonitoring = true },
            }).ToList();
            await station.CallAsync(new NotifyReportRequest { RequestId = requestId!.Value, GeneratedAt = DateTimeOffset.UtcNow, SeqNo = part, Tbc = part < 9, ReportData = data });
        }

        var model = await csms.GetJsonAsync("api/stations/CS-B07/device-model");
        Assert.Equal(500, model.GetProperty("variableCount").GetInt32());
        var component = model.GetProperty("components").EnumerateArray().First(c => c.GetProperty("name").GetString() == "Component3" && c.GetProperty("evseId").ValueKind == JsonValueKind.Null);
        var variable = component.GetProperty("variables").EnumerateArray().First(v => v.GetProperty("name").GetString() == "Variable75");
        Assert.Equal("Inst", variable.GetProperty("instance").GetString());
        Assert.Equal("v75", variable.GetProperty("attributes")[0].GetProperty("value").GetString());
        Assert.Equal("integer", variable.GetProperty("characteristics").GetProperty("dataType").GetString());
        var reports = (await csms.GetJsonAsync("api/stations/CS-B07/reports")).GetProperty("items");
        Assert.Equal(10, reports[0].GetProperty("partsReceived").GetInt32());
        Assert.True(reports[0].GetProperty("complete").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task B05_B06_long_requests_are_split_by_ItemsPerMessage_and_BytesPerMessage_and_accepted_values_stored(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var getSizes = new List<int>();
        var setSizes = new List<int>();
        var stationHandlers = new OcppHandlers()
            .On(OcppActions.GetVariables, (request, _, _) =>
            {
                lock (getSizes)
                {
                    getSizes.Add(request.GetVariableData.Count);
                }

                return ValueTask.FromResult(new GetVariablesResponse
                {
                    GetVariableResult = request.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.Accepted, AttributeValue = d.Variable.Name, Component = d.Component, Variable = d.Variable }).ToList(),
                });
            })
            .On(OcppActions.SetVariables, (request, _, _) =>
            {
                lock (setSizes)
                {
                    setSizes.Add(request.SetVariableData.Count);
                }

                return ValueTask.FromResult(new SetVariablesResponse
                {
                    SetVariableResult = request.SetVariableData.Select(d => new SetVariableResultType
                    {
                        AttributeStatus = d.Variable.Name.EndsWith('7') ? SetVariableStatusEnumType.Rejected : SetVariableStatusEnumType.Accepted,
                        Component = d.Component,
                        Variable = d.Variable,
                    }).ToList(),
                });
            });
        await using var station = await csms.BootedStationAsync("CS-B05", stationHandlers);
        ReportDataType Limit(string name, string instance, string value) => new()
        {
            Component = new ComponentType { Name = "DeviceDataCtrlr" },
            Variable = new VariableType { Name = name, Instance = instance },
            VariableAttribute = [new VariableAttributeType { Value = value, Mutability = MutabilityEnumType.ReadOnly }],
        };
        await station.CallAsync(new NotifyReportRequest
        {
            RequestId = 1, GeneratedAt = DateTimeOffset.UtcNow, SeqNo = 0,
            ReportData = [Limit("ItemsPerMessage", "GetVariables", "4"), Limit("ItemsPerMessage", "SetVariables", "100"), Limit("BytesPerMessage", "SetVariables", "1000")],
        });

        var getBody = JsonSerializer.Serialize(new { getVariableData = Enumerable.Range(0, 10).Select(i => new { component = new { name = "C" }, variable = new { name = "V" + i } }) });
        var (getStatus, got) = await csms.PostJsonAsync("api/stations/CS-B05/commands/get-variables", getBody);
        Assert.Equal(200, getStatus);
        Assert.Equal([4, 4, 2], getSizes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => "V" + i), got.GetProperty("getVariableResult").EnumerateArray().Select(r => r.GetProperty("attributeValue").GetString()));

        var setBody = JsonSerializer.Serialize(new { setVariableData = Enumerable.Range(0, 30).Select(i => new { attributeValue = "value-" + i, component = new { name = "C" }, variable = new { name = "V" + i } }) });
        var (setStatus, set) = await csms.PostJsonAsync("api/stations/CS-B05/commands/set-variables", setBody);
        Assert.Equal(200, setStatus);
        Assert.Equal(30, setSizes.Sum());
        Assert.True(setSizes.Count > 1, "1000 bytes per message must split 30 SetVariableData items");
        Assert.Equal(30, set.GetProperty("setVariableResult").GetArrayLength());

        var model = await csms.GetJsonAsync("api/stations/CS-B05/device-model");
        var stored = model.GetProperty("components").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "C").GetProperty("variables").EnumerateArray().ToList();
        Assert.Equal(27, stored.Count);
        Assert.DoesNotContain(stored, v => v.GetProperty("name").GetString() == "V7");
        Assert.Contains(stored, v => v.GetProperty("name").GetString() == "V12" && v.GetProperty("attributes")[0].GetProperty("value").GetString() == "value-12");
    }

    [Fact]
    public async Task B11_B12_reset_round_trips_an_unregistered_station_gives_404_and_an_unconnected_one_503()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        ResetRequest? received = null;
        var handlers = new OcppHandlers().On(OcppActions.Reset, (request, _, _) =>
        {
            received = request;
            return ValueTask.FromResult(new ResetResponse { Status = ResetStatusEnumType.Scheduled });
        });
        await using var station = await csms.BootedStationAsync("CS-B11", handlers);

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-B11/commands/reset", """{"type":"OnIdle","evseId":2}""");
        Assert.Equal(200, status);
        Assert.Equal("Scheduled", body.GetProperty("status").GetString());
        Assert.Equal(ResetEnumType.OnIdle, received!.Type);
        Assert.Equal(2, received.EvseId);

        var (missing, problem) = await csms.PostJsonAsync("api/stations/NOT-HERE/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(404, missing);
        Assert.Contains("not registered", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await csms.RegisterAsync("CS-OFF");
        var (offline, notConnected) = await csms.PostJsonAsync("api/stations/CS-OFF/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(503, offline);
        Assert.Contains("not connected", notConnected.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
