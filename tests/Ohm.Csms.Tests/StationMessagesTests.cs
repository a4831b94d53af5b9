using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>Every action a station sends gets a real, schema-valid answer and is stored (no NotSupported for a station's action).</summary>
public sealed class StationMessagesTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>The actions that are stored as received, in the messages API (the rest keep tables of their own).</summary>
    private static readonly string[] StoredAsReceived =
    [
        "SecurityEventNotification", "SignCertificate", "FirmwareStatusNotification", "LogStatusNotification",
        "NotifyCustomerInformation", "NotifyDisplayMessages", "NotifyChargingLimit", "ClearedChargingLimit", "NotifyEVChargingNeeds",
        "NotifyEVChargingSchedule", "ReportChargingProfiles", "ReservationStatusUpdate", "Get15118EVCertificate", "GetCertificateStatus",
        "PublishFirmwareStatusNotification",
    ];

    private static IEnumerable<OcppAction> StationActions => OcppActions.All.Where(a => a.IsSentBy(OcppRole.ChargingStation));

    [Fact]
    public async Task Every_action_a_station_sends_has_a_handler_in_CsmsRouting()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var routed = csms.App.Services.GetRequiredService<CsmsRouting>().Build().Actions.Select(a => a.Name).ToHashSet();

        var missing = StationActions.Where(a => !routed.Contains(a.Name)).Select(a => a.Name).ToList();

        Assert.True(missing.Count == 0, "Station-sent actions without a handler in CsmsRouting (answered NotSupported): " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Every_action_a_station_sends_gets_a_schema_valid_CALLRESULT_and_is_stored(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await using var station = await csms.BootedStationAsync("CS-ALL");
        var sent = new Dictionary<string, JsonObject>();
        foreach (var action in StationActions.Where(a => a != OcppActions.BootNotification))
        {
            var sample = SchemaSamples.Full(action.Name + "Request");
            sent[action.Name] = sample;
            var response = await station.CallRawAsync(action, Encoding.UTF8.GetBytes(sample.ToJsonString()));
            Assert.True(action.ValidateResponse(response) is null, $"{action.Name}: the CALLRESULT breaks the schema: {action.ValidateResponse(response)}");
        }

        foreach (var name in StoredAsReceived)
        {
            var page = await csms.GetJsonAsync($"api/stations/CS-ALL/messages?action={name}");
            var item = Assert.Single(page.GetProperty("items").EnumerateArray());
            Assert.Equal(name, item.GetProperty("action").GetString());
            Assert.True(JsonNode.DeepEquals(sent[name], JsonNode.Parse(item.GetProperty("payload").GetRawText())), $"{name}: the stored payload is not the one sent");
        }

        var events = await csms.GetJsonAsync("api/stations/CS-ALL/events");
        Assert.Single(events.GetProperty("items").EnumerateArray());
        var monitors = await csms.GetJsonAsync("api/stations/CS-ALL/monitors"); // N02: the report's monitors, in a table of their own
        Assert.Equal(sent["NotifyMonitoringReport"]["monitor"]!.AsArray().Sum(m => m!["variableMonitoring"]!.AsArray().Count), monitors.GetProperty("total").GetInt32());
        var all = await csms.GetJsonAsync("api/stations/CS-ALL/messages");
        Assert.Equal(StoredAsReceived.Length, all.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A02_A03_M_SignCertificate_is_Rejected_with_a_reason_while_no_CA_is_configured_and_the_certificate_services_say_Failed()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-CERT");

        var sign = await station.CallAsync(new SignCertificateRequest { Csr = "-----BEGIN CERTIFICATE REQUEST-----", CertificateType = CertificateSigningUseEnumType.ChargingStationCertificate });
        Assert.Equal(GenericStatusEnumType.Rejected, sign.Status);
        Assert.Equal("InvalidCSR", sign.StatusInfo?.ReasonCode); // the CSMS has its CA now (Certificates/SignCertificateTests): a broken CSR is refused

        var ev = await station.CallAsync(new Get15118EVCertificateRequest { Iso15118SchemaVersion = "urn:iso:15118:2:2013:MsgDef", Action = CertificateActionEnumType.Install, ExiRequest = "AAAA" });
        Assert.Equal(Iso15118EVCertificateStatusEnumType.Failed, ev.Status);
        Assert.NotNull(ev.StatusInfo);

        var ocsp = await station.CallAsync(new GetCertificateStatusRequest
        {
            OcspRequestData = new OCSPRequestDataType { HashAlgorithm = HashAlgorithmEnumType.SHA256, IssuerNameHash = "a", IssuerKeyHash = "b", SerialNumber = "1", ResponderURL = "http://ocsp.example" },
        });
        Assert.Equal(GetCertificateStatusEnumType.Failed, ocsp.Status);
        Assert.NotNull(ocsp.StatusInfo);

        var needs = await station.CallAsync(new NotifyEVChargingNeedsRequest { EvseId = 1, ChargingNeeds = new ChargingNeedsType { RequestedEnergyTransfer = EnergyTransferModeEnumType.DC } });
        Assert.Equal(NotifyEVChargingNeedsStatusEnumType.Rejected, needs.Status);
        Assert.NotNull(needs.StatusInfo);
    }

    [Fact]
    public async Task A04_security_event_notifications_are_stored_and_paged_newest_first()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-A04");
        for (var i = 0; i < 3; i++)
        {
            await station.CallAsync(new SecurityEventNotificationRequest { Type = "TamperDetectionActivated", Timestamp = DateTimeOffset.UtcNow, TechInfo = $"n{i}" });
        }

        var first = await csms.GetJsonAsync("api/stations/CS-A04/messages?action=SecurityEventNotification&limit=2");
        var items = first.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["n2", "n1"], items.Select(i => i.GetProperty("payload").GetProperty("techInfo").GetString()));
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        var next = first.GetProperty("next").GetString();
        var second = await csms.GetJsonAsync($"api/stations/CS-A04/messages?action=SecurityEventNotification&limit=2&cursor={next}");
        Assert.Equal("n0", Assert.Single(second.GetProperty("items").EnumerateArray()).GetProperty("payload").GetProperty("techInfo").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);

        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/stations/CS-A04/messages?action=Reset")).StatusCode);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/NOBODY/messages")).StatusCode);
    }
}
