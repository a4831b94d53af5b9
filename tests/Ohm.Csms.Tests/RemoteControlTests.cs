using System.Text.Json;
using Ohm.Csms.Blocks;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Microsoft.Extensions.DependencyInjection;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>Blocks F, G and P on the CSMS side and the command endpoints of the API, each round-tripping to a station.</summary>
public sealed class RemoteControlTests
{
    private static OcppHandlers StationHandlers(List<object> received) => new OcppHandlers()
        .On(OcppActions.RequestStartTransaction, (r, _, _) => Record(received, r, new RequestStartTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted }))
        .On(OcppActions.RequestStopTransaction, (r, _, _) => Record(received, r, new RequestStopTransactionResponse { Status = RequestStartStopStatusEnumType.Accepted }))
        .On(OcppActions.UnlockConnector, (r, _, _) => Record(received, r, new UnlockConnectorResponse { Status = UnlockStatusEnumType.Unlocked }))
        .On(OcppActions.TriggerMessage, (r, _, _) => Record(received, r, new TriggerMessageResponse { Status = TriggerMessageStatusEnumType.Accepted }))
        .On(OcppActions.ChangeAvailability, (r, _, _) => Record(received, r, new ChangeAvailabilityResponse { Status = ChangeAvailabilityStatusEnumType.Scheduled }))
        .On(OcppActions.GetTransactionStatus, (r, _, _) => Record(received, r, new GetTransactionStatusResponse { MessagesInQueue = true, OngoingIndicator = true }))
        .On(OcppActions.DataTransfer, (r, _, _) => Record(received, r, new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted, Data = r.Data }))
        .On(OcppActions.ClearCache, (r, _, _) => Record(received, r, new ClearCacheResponse { Status = ClearCacheStatusEnumType.Accepted }));

    private static ValueTask<T> Record<T>(List<object> received, object request, T response)
    {
        lock (received)
        {
            received.Add(request);
        }

        return ValueTask.FromResult(response);
    }

    [Fact]
    public async Task F01_F02_a_remote_start_carries_a_remoteStartId_that_links_the_transaction()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<object>();
        await using var station = await csms.BootedStationAsync("CS-F01", StationHandlers(received));

        var (status, body) = await csms.PostJsonAsync("api/stations/CS-F01/commands/request-start", """{"idToken":{"idToken":"APP-1","type":"Central"},"evseId":1}""");
        Assert.Equal(200, status);
        Assert.Equal("Accepted", body.GetProperty("status").GetString());
        var remoteStartId = body.GetProperty("remoteStartId").GetInt32();
        var request = Assert.IsType<RequestStartTransactionRequest>(Assert.Single(received));
        Assert.Equal(remoteStartId, request.RemoteStartId);
        Assert.Equal("APP-1", request.IdToken.IdToken);

        await station.CallAsync(Event("tx-remote", 0, TransactionEventEnumType.Started, remoteStartId: remoteStartId));
        var linked = await csms.GetJsonAsync($"api/transactions?remoteStartId={remoteStartId}");
        Assert.Equal("tx-remote", Assert.Single(linked.GetProperty("items").EnumerateArray()).GetProperty("transactionId").GetString());
    }

    [Theory]
    [InlineData("request-stop", """{"transactionId":"tx-9"}""", "Accepted")]
    [InlineData("unlock-connector", """{"evseId":1,"connectorId":1}""", "Unlocked")]
    [InlineData("trigger-message", """{"requestedMessage":"MeterValues","evse":{"id":1}}""", "Accepted")]
    [InlineData("change-availability", """{"operationalStatus":"Inoperative","evse":{"id":1,"connectorId":1}}""", "Scheduled")]
    [InlineData("data-transfer", """{"vendorId":"com.example","messageId":"ping","data":{"n":1}}""", "Accepted")]
    public async Task Each_command_endpoint_round_trips_to_the_station(string command, string body, string expectedStatus)
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<object>();
        await using var station = await csms.BootedStationAsync("CS-CMD", StationHandlers(received));

        var (status, response) = await csms.PostJsonAsync($"api/stations/CS-CMD/commands/{command}", body);

        Assert.Equal(200, status);
        Assert.Equal(expectedStatus, response.GetProperty("status").GetString());
        Assert.Single(received);
    }

    [Fact]
    public async Task E14_get_transaction_status_round_trips()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-E14", StationHandlers([]));
        var (status, response) = await csms.PostJsonAsync("api/stations/CS-E14/commands/get-transaction-status", """{"transactionId":"tx-1"}""");
        Assert.Equal(200, status);
        Assert.True(response.GetProperty("messagesInQueue").GetBoolean());
    }

    [Fact]
    public async Task A_command_body_that_breaks_the_schema_gets_400_naming_the_field()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-400", StationHandlers([]));
        var (status, problem) = await csms.PostJsonAsync("api/stations/CS-400/commands/unlock-connector", """{"evseId":"one","connectorId":1}""");
        Assert.Equal(400, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("evseId", out _));
        var (empty, _) = await csms.PostJsonAsync("api/stations/CS-400/commands/reset", "");
        Assert.Equal(400, empty);
        var (notJson, _) = await csms.PostJsonAsync("api/stations/CS-400/commands/request-start", "{nope");
        Assert.Equal(400, notJson);
    }

    [Fact]
    public async Task The_generic_endpoint_sends_any_CSMS_action_validated_first_and_returns_the_response_or_the_CALLERROR()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var received = new List<object>();
        await using var station = await csms.BootedStationAsync("CS-GEN", StationHandlers(received));

        var (ok, response) = await csms.PostJsonAsync("api/stations/CS-GEN/ocpp/ClearCache", "{}");
        Assert.Equal(200, ok);
        Assert.Equal("Accepted", response.GetProperty("status").GetString());

        var (invalid, problem) = await csms.PostJsonAsync("api/stations/CS-GEN/ocpp/Reset", """{"type":"Sometime"}""");
        Assert.Equal(400, invalid);
        Assert.Contains("type", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var (notSupported, error) = await csms.PostJsonAsync("api/stations/CS-GEN/ocpp/GetLog", """{"log":{"remoteLocation":"ftp://x"},"logType":"DiagnosticsLog","requestId":1}""");
        Assert.Equal(502, notSupported);
        Assert.Equal("NotSupported", error.GetProperty("errorCode").GetString());

        Assert.Equal(400, (await csms.PostJsonAsync("api/stations/CS-GEN/ocpp/Heartbeat", "{}")).Status);
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/CS-GEN/ocpp/Teleport", "{}")).Status);
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/NOBODY/ocpp/ClearCache", "{}")).Status);
    }

    [Fact]
    public async Task A_station_that_does_not_answer_in_time_gives_504()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:CommandTimeoutSeconds", "1"));
        var handlers = new OcppHandlers().On(OcppActions.ClearCache, async (_, _, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            return new ClearCacheResponse { Status = ClearCacheStatusEnumType.Accepted };
        });
        await using var station = await csms.BootedStationAsync("CS-504", handlers);
        Assert.Equal(504, (await csms.PostJsonAsync("api/stations/CS-504/ocpp/ClearCache", "{}")).Status);
    }

    [Fact]
    public async Task P01_DataTransfer_to_the_CSMS_goes_to_the_vendor_handler_or_gets_UnknownVendorId()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        csms.App.Services.GetRequiredService<DataTransfer>().Register("com.example", "echo", (request, _, _) =>
            ValueTask.FromResult(new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted, Data = request.Data }));
        await using var station = await csms.BootedStationAsync("CS-P01");

        var echoed = await station.CallAsync(new DataTransferRequest { VendorId = "com.example", MessageId = "echo", Data = JsonSerializer.SerializeToElement(new { x = 1 }) });
        Assert.Equal(DataTransferStatusEnumType.Accepted, echoed.Status);
        Assert.Equal(1, echoed.Data!.Value.GetProperty("x").GetInt32());
        Assert.Equal(DataTransferStatusEnumType.UnknownMessageId, (await station.CallAsync(new DataTransferRequest { VendorId = "com.example", MessageId = "other" })).Status);
        Assert.Equal(DataTransferStatusEnumType.UnknownVendorId, (await station.CallAsync(new DataTransferRequest { VendorId = "org.nobody" })).Status);
    }

    [Fact]
    public async Task G01_G02_status_notifications_keep_the_current_status_and_history_and_heartbeats_update_last_seen()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-G01");
        var t = DateTimeOffset.UtcNow;
        await station.CallAsync(new StatusNotificationRequest { Timestamp = t, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(new StatusNotificationRequest { Timestamp = t.AddSeconds(5), ConnectorStatus = ConnectorStatusEnumType.Occupied, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(new StatusNotificationRequest { Timestamp = t.AddSeconds(-60), ConnectorStatus = ConnectorStatusEnumType.Faulted, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(new StatusNotificationRequest { Timestamp = t, ConnectorStatus = ConnectorStatusEnumType.Unavailable, EvseId = 2, ConnectorId = 1 });
        var before = (await csms.GetJsonAsync("api/stations/CS-G01")).GetProperty("lastSeenAt").GetDateTimeOffset();
        await Task.Delay(50);
        await station.CallAsync(new HeartbeatRequest());

        var evses = await csms.GetJsonAsync("api/stations/CS-G01/evses");
        Assert.Equal("Occupied", evses[0].GetProperty("connectors")[0].GetProperty("status").GetString());
        Assert.Equal("Unavailable", evses[1].GetProperty("connectors")[0].GetProperty("status").GetString());
        Assert.Equal(4, (await csms.GetJsonAsync("api/stations/CS-G01/status-history")).GetProperty("items").GetArrayLength());
        Assert.True((await csms.GetJsonAsync("api/stations/CS-G01")).GetProperty("lastSeenAt").GetDateTimeOffset() > before);
    }

    [Fact]
    public async Task The_API_needs_its_key_and_the_OCPP_port_does_not_serve_it()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-KEY");
        using var anonymous = new HttpClient { BaseAddress = csms.Api.BaseAddress };
        var refused = await anonymous.GetAsync("api/stations");
        Assert.Equal(401, (int)refused.StatusCode);
        Assert.Contains("X-Api-Key", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-wrong-key-wrong");
        Assert.Equal(401, (int)(await anonymous.GetAsync("api/stations")).StatusCode);
        Assert.Equal(200, (int)(await csms.Api.GetAsync("api/stations")).StatusCode);

        using var onOcppPort = new HttpClient { BaseAddress = new Uri(csms.OcppEndpoint.ToString().Replace("ws://", "http://", StringComparison.Ordinal).Replace("/ocpp", "/", StringComparison.Ordinal)) };
        onOcppPort.DefaultRequestHeaders.Add("X-Api-Key", CsmsTestHost.ApiKey);
        Assert.Equal(404, (int)(await onOcppPort.GetAsync("api/stations")).StatusCode);
        Assert.Equal(200, (int)(await csms.Api.GetAsync("openapi/v1.json")).StatusCode);
        var metrics = "";
        for (var attempt = 0; attempt < 50 && !metrics.Contains("ohm_ocpp_calls_total{", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
            metrics = await (await csms.Api.GetAsync("metrics")).Content.ReadAsStringAsync();
        }

        Assert.Contains("ohm_csms_stations_connected", metrics, StringComparison.Ordinal);
        Assert.Contains("ohm_ocpp_calls_total{", metrics, StringComparison.Ordinal);
    }
}
