using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Events;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Monitoring;

/// <summary>
/// Block N with both of Ohm's roles, as an operator meets it: the OCPP 2.0.1 white paper's monitoring example (a
/// monitor on the Temperature of EVSE 1's AcDcConverter, set through the CSMS's API, fired by the station's simulated
/// temperature, seen as an alert, on the live stream and by a webhook) and a log upload into the CSMS's file service.
/// </summary>
public sealed class WhitePaperEndToEndTests
{
    private const string Station = "CS-OHM-WP";

    private static async Task<JsonElement> PostAsync(HttpClient api, string path, object body)
    {
        var response = await api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> ItemsAsync(HttpClient api, string path) =>
        [.. (await api.GetFromJsonAsync<JsonElement>(path)).GetProperty("items").EnumerateArray()];

    /// <summary>Reads Server-Sent Events of type 'event' from <paramref name="reader"/> until <paramref name="count"/> came.</summary>
    private static async Task<List<JsonElement>> ReadEventsAsync(StreamReader reader, List<JsonElement> events, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the event stream ended");
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                Assert.Equal("event", line["event:".Length..].Trim());
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                events.Add(JsonDocument.Parse(line["data:".Length..]).RootElement.Clone());
            }
        }

        return events;
    }

    [Fact]
    public async Task N04_N07_White_paper_example_a_monitor_on_EVSE_1_AcDcConverter_Temperature_alerts_streams_delivers_its_webhook_and_clears()
    {
        await using var h = await StationHarness.StartAsync();
        await using var receiver = await SignedWebhookReceiver.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var clock = FakeClock.Create();
        var options = csms.StationOptions(h, Station);
        options.TimeProvider = clock;
        var station = await h.StartStation(Station, options: options);

        // The operator registers a webhook for events of severity 3 or more severe, and follows the live stream.
        var hook = await PostAsync(api, "api/webhooks", new { url = receiver.Url.ToString(), maxSeverity = 3, description = "white paper" });
        receiver.Secret = hook.GetProperty("secret").GetString();
        var hookId = hook.GetProperty("id").GetInt64();
        var fanOut = (InProcessEventFanOut)csms.App.Services.GetRequiredService<IEventFanOut>();
        using var streamRequest = new HttpRequestMessage(HttpMethod.Get, $"api/events/stream?stationId={Station}");
        var responding = api.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        await TestCsms.Until(() => fanOut.Count == 1, "the stream subscribed");

        // N04: the monitor, through the CSMS's API; the station gives it its id.
        var set = await PostAsync(api, $"api/stations/{Station}/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[]
            {
                new { value = 60, type = "UpperThreshold", severity = 3, component = new { name = "AcDcConverter", evse = new { id = 1 } }, variable = new { name = "Temperature" } },
            },
        });
        var result = Assert.Single(set.GetProperty("setMonitoringResult").EnumerateArray());
        Assert.Equal("Accepted", result.GetProperty("status").GetString());
        var monitorId = result.GetProperty("id").GetInt32();
        Assert.Contains(station.Monitoring.Monitors(), m => m.Id == monitorId);

        // The converter heats to 70 degrees: above the monitor's 60, below the preconfigured monitors' 80 and 95.
        var converter = new ComponentKey("AcDcConverter", EvseId: 1);
        Assert.True(station.Simulator!.SetSensor(converter, "Temperature", 70));
        await clock.AdvanceUntil(TimeSpan.FromMilliseconds(250), () => station.Monitoring.IsAlerting(monitorId), TimeSpan.FromSeconds(30), "the alert");

        // N07: the CSMS stores the event and lists the open alert.
        await TestCsms.Until(() => ItemsAsync(api, $"api/alerts?stationId={Station}").GetAwaiter().GetResult().Count == 1, "the open alert");
        var alert = Assert.Single(await ItemsAsync(api, $"api/alerts?stationId={Station}&component=AcDcConverter&maxSeverity=3"));
        Assert.Equal(("AcDcConverter", 1, "Temperature", monitorId, 3, true), (alert.GetProperty("component").GetString(), alert.GetProperty("evseId").GetInt32(),
            alert.GetProperty("variable").GetString(), alert.GetProperty("variableMonitoringId").GetInt32(), alert.GetProperty("severity").GetInt32(), alert.GetProperty("open").GetBoolean()));
        Assert.True(decimal.Parse(alert.GetProperty("lastValue").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > 60);

        // The stream carries it, and the webhook gets it, signed.
        using var response = await responding;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        var streamed = await ReadEventsAsync(reader, [], 1);
        Assert.Equal(("Opened", alert.GetProperty("id").GetInt64(), false, monitorId), (streamed[0].GetProperty("alert").GetProperty("state").GetString(),
            streamed[0].GetProperty("alert").GetProperty("id").GetInt64(), streamed[0].GetProperty("cleared").GetBoolean(), streamed[0].GetProperty("variableMonitoringId").GetInt32()));
        await TestCsms.Until(() => receiver.Taken.Count == 1, "the webhook delivery");

        // The converter cools to 40 degrees: the cleared event arrives everywhere and the alert is closed.
        Assert.True(station.Simulator.SetSensor(converter, "Temperature", 40));
        await clock.AdvanceUntil(TimeSpan.FromMilliseconds(250), () => !station.Monitoring.IsAlerting(monitorId), TimeSpan.FromSeconds(30), "the converter below 60 degrees");
        await ReadEventsAsync(reader, streamed, 2);
        Assert.Equal(("Cleared", true), (streamed[1].GetProperty("alert").GetProperty("state").GetString(), streamed[1].GetProperty("cleared").GetBoolean()));
        await TestCsms.Until(() => receiver.Taken.Count == 2, "the cleared event's webhook delivery");
        Assert.Empty(await ItemsAsync(api, $"api/alerts?stationId={Station}"));
        var closed = Assert.Single(await ItemsAsync(api, $"api/alerts?stationId={Station}&open=false"));
        Assert.Equal((alert.GetProperty("id").GetInt64(), 2), (closed.GetProperty("id").GetInt64(), closed.GetProperty("eventCount").GetInt32()));
        Assert.Equal(JsonValueKind.String, closed.GetProperty("clearedAt").ValueKind);

        // Each webhook body is the streamed event, signed; no POST was refused and each delivery is marked Delivered.
        Assert.Equal(0, receiver.BadSignatures);
        var delivered = receiver.Taken.Select(t => JsonDocument.Parse(t.Body).RootElement.Clone()).ToList();
        Assert.Equal(streamed.Select(e => e.GetProperty("id").GetInt64()), delivered.Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal(["Opened", "Cleared"], delivered.Select(e => e.GetProperty("alert").GetProperty("state").GetString()));
        Assert.All(delivered, e => Assert.Equal((Station, 3, "AcDcConverter", "Temperature"), (e.GetProperty("stationId").GetString(), e.GetProperty("severity").GetInt32(),
            e.GetProperty("component").GetProperty("name").GetString(), e.GetProperty("variable").GetProperty("name").GetString())));
        await TestCsms.Until(
            () => ItemsAsync(api, $"api/webhooks/{hookId}/deliveries").GetAwaiter().GetResult().All(d => d.GetProperty("state").GetString() == "Delivered"), "the deliveries marked Delivered");

        // The history of the variable holds both events; the station's monitors list the one set, under the station's id.
        var history = await ItemsAsync(api, $"api/stations/{Station}/variables/history?component=AcDcConverter&variable=Temperature&evseId=1");
        Assert.Equal([true, false], history.Select(e => e.GetProperty("cleared").GetBoolean()));
        var monitors = await ItemsAsync(api, $"api/stations/{Station}/monitors?component=AcDcConverter&type=UpperThreshold");
        var monitor = Assert.Single(monitors, m => m.GetProperty("id").GetInt32() == monitorId);
        Assert.Equal((1, "Temperature", 60m, 3, "Set"), (monitor.GetProperty("evseId").GetInt32(), monitor.GetProperty("variable").GetString(), monitor.GetProperty("value").GetDecimal(),
            monitor.GetProperty("severity").GetInt32(), monitor.GetProperty("source").GetString()));

        // N02: a monitoring report through the CSMS leaves its stored monitors exactly the station's, by the station's ids.
        var report = await PostAsync(api, $"api/stations/{Station}/commands/get-monitoring-report", new { });
        Assert.Equal(("Accepted", true), (report.GetProperty("status").GetString(), report.GetProperty("complete").GetBoolean()));
        var stored = await ItemsAsync(api, $"api/stations/{Station}/monitors?limit=500");
        Assert.Equal(
            station.Monitoring.Monitors().Select(m => (m.Id, m.Component.Name, m.Component.EvseId, m.Variable, m.Value, m.Severity)),
            stored.Select(m => (m.GetProperty("id").GetInt32(), m.GetProperty("component").GetString()!,
                m.GetProperty("evseId").ValueKind == JsonValueKind.Null ? (int?)null : m.GetProperty("evseId").GetInt32(), m.GetProperty("variable").GetString()!,
                m.GetProperty("value").GetDecimal(), m.GetProperty("severity").GetInt32())));
        Assert.Contains(stored, m => m.GetProperty("id").GetInt32() == monitorId);
        await csms.StopAsync();
    }

    [Fact]
    public async Task N03_N06_monitoring_base_and_clear_through_the_Ohm_CSMS_leave_its_stored_monitors_the_stations()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var station = await h.StartStation(Station, options: csms.StationOptions(h, Station));
        var set = await PostAsync(api, $"api/stations/{Station}/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[]
            {
                new { value = 60, type = "UpperThreshold", severity = 3, component = new { name = "AcDcConverter", evse = new { id = 1 } }, variable = new { name = "Temperature" } },
                new { value = 5, type = "Delta", severity = 5, component = new { name = "AcDcConverter", evse = new { id = 1 } }, variable = new { name = "Temperature" } },
            },
        });
        var ids = set.GetProperty("setMonitoringResult").EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).ToList();
        var stored = await ItemsAsync(api, $"api/stations/{Station}/monitors?limit=500");
        Assert.Equal(2, stored.Count);

        // N06: clearing one by the station's id removes it on both.
        var clear = await PostAsync(api, $"api/stations/{Station}/commands/clear-variable-monitoring", new { id = new[] { ids[1] } });
        Assert.Equal("Accepted", Assert.Single(clear.GetProperty("clearMonitoringResult").EnumerateArray()).GetProperty("status").GetString());
        Assert.DoesNotContain(station.Monitoring.Monitors(), m => m.Id == ids[1]);
        Assert.DoesNotContain(await ItemsAsync(api, $"api/stations/{Station}/monitors?limit=500"), m => m.GetProperty("id").GetInt32() == ids[1]);

        // N03: HardWiredOnly; the CSMS reports again and stores what the station has.
        var hardWired = await PostAsync(api, $"api/stations/{Station}/commands/set-monitoring-base", new { monitoringBase = "HardWiredOnly" });
        Assert.Equal("Accepted", hardWired.GetProperty("status").GetString());
        Assert.True(hardWired.GetProperty("report").GetProperty("complete").GetBoolean(), hardWired.ToString());
        Assert.Equal(station.Monitoring.Monitors().Select(m => m.Id), (await ItemsAsync(api, $"api/stations/{Station}/monitors?limit=500")).Select(m => m.GetProperty("id").GetInt32()));
        var all = await PostAsync(api, $"api/stations/{Station}/commands/set-monitoring-base", new { monitoringBase = "All" });
        Assert.Equal("Accepted", all.GetProperty("status").GetString());
        Assert.Equal(station.Monitoring.Monitors().Select(m => m.Id), (await ItemsAsync(api, $"api/stations/{Station}/monitors?limit=500")).Select(m => m.GetProperty("id").GetInt32()));
        await csms.StopAsync();
    }

    [Fact]
    public async Task N01_a_log_the_station_uploads_lands_in_the_file_service_and_is_downloadable_through_the_API()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var api = csms.Api;
        var station = await h.StartStation(Station, options: csms.StationOptions(h, Station));

        var requested = await PostAsync(api, $"api/stations/{Station}/logs", new { logType = "DiagnosticsLog", retries = 0 });
        Assert.Equal("Accepted", requested.GetProperty("responseStatus").GetString());
        var requestId = requested.GetProperty("requestId").GetInt64();
        Assert.Equal($"diagnostics-{requestId}.log", requested.GetProperty("filename").GetString());

        // The station uploads to the file service's single-use URL and reports Uploading, then Uploaded.
        JsonElement log = default;
        await TestCsms.Until(
            () =>
            {
                log = api.GetFromJsonAsync<JsonElement>($"api/stations/{Station}/logs/{requestId}").GetAwaiter().GetResult();
                return log.GetProperty("status").GetString() == "Uploaded" && log.GetProperty("file").ValueKind == JsonValueKind.Object;
            },
            "the upload");
        Assert.Equal(["Uploading", "Uploaded"], log.GetProperty("history").EnumerateArray().Select(s => s.GetProperty("status").GetString()));

        // The file is listed with the station's logs and its content is the station's diagnostics log.
        var file = log.GetProperty("file");
        var fileId = file.GetProperty("id").GetInt64();
        Assert.Equal(("Log", Station), (file.GetProperty("kind").GetString(), file.GetProperty("stationId").GetString()));
        Assert.Contains(await ItemsAsync(api, $"api/files?kind=Log&stationId={Station}"), f => f.GetProperty("id").GetInt64() == fileId);
        using var download = await api.GetAsync($"api/files/{fileId}/content");
        download.EnsureSuccessStatusCode();
        var content = await download.Content.ReadAsStringAsync();
        var lines = content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("# DiagnosticsLog - -", lines[0]);
        Assert.Contains(lines, l => l.EndsWith($"GetLog {requestId}: attempt 1 of 1", StringComparison.Ordinal));
        Assert.True(lines.Length > 2, content);
        Assert.Equal(file.GetProperty("length").GetInt64(), System.Text.Encoding.UTF8.GetByteCount(content));
        Assert.Equal(station.LogUpload.Lines(Ohm.Ocpp.Messages.LogEnumType.DiagnosticsLog, null, null).Take(lines.Length - 1), lines.Skip(1));

        // The SecurityLog the same way: its lines are the station's security events (StartupOfTheDevice at boot).
        var security = await PostAsync(api, $"api/stations/{Station}/logs", new { logType = "SecurityLog", retries = 0 });
        var securityId = security.GetProperty("requestId").GetInt64();
        JsonElement securityLog = default;
        await TestCsms.Until(
            () =>
            {
                securityLog = api.GetFromJsonAsync<JsonElement>($"api/stations/{Station}/logs/{securityId}").GetAwaiter().GetResult();
                return securityLog.GetProperty("status").GetString() == "Uploaded" && securityLog.GetProperty("file").ValueKind == JsonValueKind.Object;
            },
            "the security log upload");
        Assert.NotEqual(fileId, securityLog.GetProperty("file").GetProperty("id").GetInt64());
        var securityContent = await api.GetStringAsync($"api/files/{securityLog.GetProperty("file").GetProperty("id").GetInt64()}/content");
        Assert.StartsWith("# SecurityLog - -\n", securityContent, StringComparison.Ordinal);
        Assert.Contains(" StartupOfTheDevice", securityContent, StringComparison.Ordinal);
        Assert.Equal(2, (await ItemsAsync(api, $"api/files?kind=Log&stationId={Station}")).Count);
        await csms.StopAsync();
    }
}
