using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Events;
using Ohm.Csms.Tests.Monitoring;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Events;

/// <summary>
/// Events as alerts (N07, N08) end to end on the CSMS: a raw station reports events of a monitor the API set; the API
/// lists open alerts across the fleet, the history of the variable, and streams new events as Server-Sent Events.
/// </summary>
public sealed class AlertsTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Boots a station and sets the white paper's monitor (UpperThreshold 80 on EVSE 1's AcDcConverter Temperature, severity 2) through the API.</summary>
    internal static async Task<Ohm.Ocpp.Rpc.OcppConnection> MonitoredStationAsync(CsmsTestHost csms, string stationId, int monitorId = 7, int severity = 2)
    {
        var connection = await csms.BootedStationAsync(stationId, EventsOut.MonitorHandlers(monitorId));
        var response = await csms.Api.PostAsJsonAsync($"api/stations/{stationId}/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[] { new { component = new { name = "AcDcConverter", evse = new { id = 1 } }, variable = new { name = "Temperature" }, type = "UpperThreshold", value = 80, severity } },
        }, MonitoringTests.Json);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return connection;
    }

    private static async Task<List<JsonElement>> AlertsAsync(CsmsTestHost csms, string query = "") =>
        [.. (await csms.GetJsonAsync("api/alerts" + query)).GetProperty("items").EnumerateArray()];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N07_an_alert_is_open_from_its_first_event_until_the_event_that_clears_it(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await using var station = await MonitoredStationAsync(csms, "CS-N07");

        await station.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: 7, T0));
        var open = Assert.Single(await AlertsAsync(csms));
        Assert.Equal("CS-N07", open.GetProperty("stationId").GetString());
        Assert.Equal(("AcDcConverter", 1, "Temperature", 7, 2), (open.GetProperty("component").GetString(), open.GetProperty("evseId").GetInt32(),
            open.GetProperty("variable").GetString(), open.GetProperty("variableMonitoringId").GetInt32(), open.GetProperty("severity").GetInt32()));
        Assert.Equal(("85", 1, "OverTemp"), (open.GetProperty("lastValue").GetString(), open.GetProperty("eventCount").GetInt32(), open.GetProperty("techCode").GetString()));
        Assert.True(open.GetProperty("open").GetBoolean());

        await station.CallAsync(EventsOut.Event(2, "88", cleared: false, monitorId: 7, T0.AddMinutes(1)));
        var still = Assert.Single(await AlertsAsync(csms));
        Assert.Equal(open.GetProperty("id").GetInt64(), still.GetProperty("id").GetInt64());
        Assert.Equal(("88", 2), (still.GetProperty("lastValue").GetString(), still.GetProperty("eventCount").GetInt32()));

        await station.CallAsync(EventsOut.Event(3, "75", cleared: true, monitorId: 7, T0.AddMinutes(2)));
        Assert.Empty(await AlertsAsync(csms));
        var cleared = Assert.Single(await AlertsAsync(csms, "?open=false"));
        Assert.Equal(T0.AddMinutes(2), cleared.GetProperty("clearedAt").GetDateTimeOffset());
        Assert.Equal(T0, cleared.GetProperty("openedAt").GetDateTimeOffset());
        Assert.Equal(3, cleared.GetProperty("eventCount").GetInt32());

        // The next crossing opens a new alert.
        await station.CallAsync(EventsOut.Event(4, "90", cleared: false, monitorId: 7, T0.AddMinutes(3)));
        Assert.NotEqual(open.GetProperty("id").GetInt64(), Assert.Single(await AlertsAsync(csms)).GetProperty("id").GetInt64());

        // The variable's history: every event, newest first, each with the monitor's severity and what it did to its alert.
        var history = (await csms.GetJsonAsync("api/stations/CS-N07/variables/history?component=AcDcConverter&variable=Temperature&evseId=1")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["90", "75", "88", "85"], history.Select(e => e.GetProperty("actualValue").GetString()));
        Assert.All(history, e => Assert.Equal(2, e.GetProperty("severity").GetInt32()));
        Assert.Equal(["Opened", "Cleared", null, "Opened"], history.Select(e => e.GetProperty("alert").ValueKind == JsonValueKind.Null ? null : e.GetProperty("alert").GetProperty("state").GetString()));
    }

    [Fact]
    public async Task N07_open_alerts_across_the_fleet_filter_by_severity_station_and_component_and_N08_periodic_events_open_none()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var a = await MonitoredStationAsync(csms, "CS-FLEET-A", monitorId: 7, severity: 2);
        await using var b = await MonitoredStationAsync(csms, "CS-FLEET-B", monitorId: 9, severity: 6);
        await a.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: 7, T0));
        await b.CallAsync(EventsOut.Event(1, "81", cleared: false, monitorId: 9, T0));

        // A hard-wired problem of another component: no monitor, so no known severity.
        var hardWired = EventsOut.Event(2, "true", cleared: false, monitorId: null, T0);
        hardWired.EventData[0].Component = new ComponentType { Name = "ChargingStation" };
        hardWired.EventData[0].Variable = new VariableType { Name = "Problem" };
        await b.CallAsync(hardWired);

        // N08: a periodic sample is not a problem.
        await a.CallAsync(EventsOut.Event(3, "60", cleared: false, monitorId: 7, T0, EventTriggerEnumType.Periodic));

        Assert.Equal(3, (await AlertsAsync(csms)).Count);
        Assert.Equal(["CS-FLEET-A"], (await AlertsAsync(csms, "?maxSeverity=3")).Select(x => x.GetProperty("stationId").GetString()));
        Assert.Equal(2, (await AlertsAsync(csms, "?maxSeverity=6")).Count);
        Assert.Equal(["Problem", "Temperature"], (await AlertsAsync(csms, "?stationId=CS-FLEET-B")).Select(x => x.GetProperty("variable").GetString()));
        Assert.Equal(["CS-FLEET-B"], (await AlertsAsync(csms, "?component=ChargingStation")).Select(x => x.GetProperty("stationId").GetString()));

        var bad = await csms.Api.GetAsync("api/alerts?maxSeverity=12");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("maxSeverity", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The counters: events by trigger, alerts opened.
        var metrics = await (await csms.Api.GetAsync("metrics")).Content.ReadAsStringAsync();
        Assert.Contains("ohm_csms_events_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("ohm_csms_alerts_total{", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N07_the_event_stream_sends_each_new_event_as_one_server_sent_event_of_JSON()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await MonitoredStationAsync(csms, "CS-SSE");
        var fanOut = (InProcessEventFanOut)csms.App.Services.GetRequiredService<IEventFanOut>();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/events/stream?stationId=CS-SSE");
        var responding = csms.Api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        for (var i = 0; fanOut.Count == 0; i++)
        {
            Assert.True(i < 1000, "the stream did not subscribe");
            await Task.Delay(10);
        }

        await station.CallAsync(EventsOut.Event(1, "85", cleared: false, monitorId: 7, T0));
        await station.CallAsync(EventsOut.Event(2, "75", cleared: true, monitorId: 7, T0.AddMinutes(1)));

        using var response = await responding;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);
        var events = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (events.Count < 2)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("the stream ended");
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                Assert.Equal("event", line["event:".Length..].Trim());
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                events.Add(JsonDocument.Parse(line["data:".Length..]).RootElement.Clone());
            }
        }

        Assert.Equal(["85", "75"], events.Select(e => e.GetProperty("actualValue").GetString()));
        Assert.All(events, e => Assert.Equal("CS-SSE", e.GetProperty("stationId").GetString()));
        Assert.Equal(["Opened", "Cleared"], events.Select(e => e.GetProperty("alert").GetProperty("state").GetString()));
        Assert.Equal(2, events[0].GetProperty("severity").GetInt32());
        Assert.Equal("AcDcConverter", events[0].GetProperty("component").GetProperty("name").GetString());
        Assert.Equal(1, events[0].GetProperty("component").GetProperty("evseId").GetInt32());
        Assert.Equal(1, events[0].GetProperty("eventId").GetInt32());
        Assert.Equal(T0, DateTimeOffset.Parse(events[0].GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture));
    }
}
