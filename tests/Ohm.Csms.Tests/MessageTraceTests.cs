using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Sessions;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests;

/// <summary>The message trace, switched at run time through the API, end to end over real connections.</summary>
public sealed class MessageTraceTests
{
    private static List<LogEntry> Trace(CsmsTestHost csms) => [.. csms.Logs.Entries.Where(e => e.Category == MessageTrace.Category)];

    [Fact]
    public async Task A_trace_switched_on_for_one_station_logs_its_frames_in_and_out_with_their_fields_and_nothing_of_another()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var traced = await csms.BootedStationAsync("CS-TRACED");
        await using var other = await csms.BootedStationAsync("CS-OTHER");
        Assert.Empty(Trace(csms));

        var on = await csms.Api.PutAsJsonAsync("api/stations/CS-TRACED/trace", new { minutes = 5 });
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        var state = await csms.GetJsonAsync("api/trace");
        Assert.True(state.GetProperty("on").GetBoolean());
        Assert.Equal("CS-TRACED", Assert.Single(state.GetProperty("stations").EnumerateArray()).GetString());

        await traced.CallAsync(new HeartbeatRequest());
        await other.CallAsync(new HeartbeatRequest());
        await other.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Available, EvseId = 1, ConnectorId = 1 });

        var records = Trace(csms);
        Assert.All(records, r => Assert.Equal("CS-TRACED", r.Field("StationId")));
        Assert.All(records, r => Assert.Equal(LogLevel.Information, r.Level));
        var call = Assert.Single(records, r => r.Field("Direction") == "Received");
        Assert.Equal("Call", call.Field("MessageType"));
        Assert.Equal("Heartbeat", call.Field("Action"));
        var messageId = call.Field("MessageId");
        Assert.False(string.IsNullOrEmpty(messageId));
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(call.Field("Frame")!).RootElement.ValueKind);
        Assert.StartsWith($"[2,\"{messageId}\",\"Heartbeat\"", call.Field("Frame"), StringComparison.Ordinal);
        var result = Assert.Single(records, r => r.Field("Direction") == "Sent");
        Assert.Equal("CallResult", result.Field("MessageType"));
        Assert.Equal("Heartbeat", result.Field("Action"));
        Assert.Equal(messageId, result.Field("MessageId"));
        Assert.Contains("currentTime", result.Field("Frame"), StringComparison.Ordinal);

        // A CALL of the CSMS and the station's answer are traced too.
        var (status, _) = await csms.PostJsonAsync("api/stations/CS-TRACED/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(502, status); // the bare station does not support Reset
        Assert.Contains(Trace(csms), r => r.Field("Direction") == "Sent" && r.Field("MessageType") == "Call" && r.Field("Action") == "Reset");
        Assert.Contains(Trace(csms), r => r.Field("Direction") == "Received" && r.Field("MessageType") == "CallError" && r.Field("Action") == "Reset");

        // Without a body the trace lasts the default hour.
        var again = await csms.Api.PutAsync("api/stations/CS-OTHER/trace", null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(["CS-OTHER", "CS-TRACED"], (await csms.GetJsonAsync("api/trace")).GetProperty("stations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await csms.Api.DeleteAsync("api/stations/CS-OTHER/trace")).StatusCode);

        var off = await csms.Api.DeleteAsync("api/stations/CS-TRACED/trace");
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False((await csms.GetJsonAsync("api/trace")).GetProperty("on").GetBoolean());
        var before = Trace(csms).Count;
        await traced.CallAsync(new HeartbeatRequest());
        Assert.Equal(before, Trace(csms).Count);
    }

    [Fact]
    public async Task A_trace_of_all_stations_logs_every_station_until_it_is_switched_off()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var a = await csms.BootedStationAsync("CS-ALL-A");
        await using var b = await csms.BootedStationAsync("CS-ALL-B");
        Assert.Equal(HttpStatusCode.OK, (await csms.Api.PutAsJsonAsync("api/trace", new { all = true })).StatusCode);

        await a.CallAsync(new HeartbeatRequest());
        await b.CallAsync(new HeartbeatRequest());
        Assert.Equal(["CS-ALL-A", "CS-ALL-B"], Trace(csms).Select(r => r.Field("StationId")).Distinct().Order(StringComparer.Ordinal));

        Assert.Equal(HttpStatusCode.OK, (await csms.Api.DeleteAsync("api/trace")).StatusCode);
        var before = Trace(csms).Count;
        await a.CallAsync(new HeartbeatRequest());
        await b.CallAsync(new HeartbeatRequest());
        Assert.Equal(before, Trace(csms).Count);
    }

    [Fact]
    public async Task A_forgotten_trace_switches_itself_off_at_its_expiry()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        await using var station = await csms.BootedStationAsync("CS-EXPIRES");
        var on = await csms.Api.PutAsJsonAsync("api/trace", new { stations = new[] { "CS-EXPIRES" }, minutes = 10 });
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), (await csms.GetJsonAsync("api/trace")).GetProperty("until").GetDateTimeOffset());

        clock.Advance(TimeSpan.FromMinutes(9));
        await station.CallAsync(new HeartbeatRequest());
        var traced = Trace(csms).Count;
        Assert.Equal(2, traced);

        clock.Advance(TimeSpan.FromMinutes(1));
        await station.CallAsync(new HeartbeatRequest());
        Assert.Equal(traced, Trace(csms).Count);
        var state = await csms.GetJsonAsync("api/trace");
        Assert.False(state.GetProperty("on").GetBoolean());
        Assert.Empty(state.GetProperty("stations").EnumerateArray());
        Assert.Contains(csms.Logs.Entries, e => e.Message.Contains("message trace expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_trace_API_names_the_bad_field_and_answers_404_for_an_unknown_station()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);

        async Task<(HttpStatusCode Status, JsonElement Body)> Put(string path, object body)
        {
            var response = await csms.Api.PutAsJsonAsync(path, body);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var none = await Put("api/trace", new { });
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.StartsWith("stations:", none.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(none.Body.GetProperty("errors").TryGetProperty("stations", out _));

        var both = await Put("api/trace", new { all = true, stations = new[] { "CS1" } });
        Assert.Equal(HttpStatusCode.BadRequest, both.Status);
        Assert.StartsWith("stations:", both.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var tooLong = await Put("api/trace", new { all = true, minutes = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.StartsWith("minutes:", tooLong.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var unknown = await Put("api/stations/CS-NOBODY/trace", new { });
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Contains("CS-NOBODY", unknown.Body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await csms.Api.DeleteAsync("api/stations/CS-NOBODY/trace")).StatusCode);
        Assert.False((await csms.GetJsonAsync("api/trace")).GetProperty("on").GetBoolean());
    }
}
