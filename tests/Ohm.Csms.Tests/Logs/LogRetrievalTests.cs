using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Logs;

/// <summary>N01 Retrieve Log Information on the CSMS side: GetLog with an upload URL of the file service, the upload, the status history and the file.</summary>
public sealed class LogRetrievalTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>A raw station that answers GetLog as told and hands each request to the test.</summary>
    private sealed class LogStation
    {
        public Channel<GetLogRequest> Requests { get; } = Channel.CreateUnbounded<GetLogRequest>();

        public LogStatusEnumType Answer { get; set; } = LogStatusEnumType.Accepted;

        public OcppHandlers Handlers() => new OcppHandlers().On(OcppActions.GetLog, (request, _, _) =>
        {
            Requests.Writer.TryWrite(request);
            return ValueTask.FromResult(new GetLogResponse { Status = Answer, Filename = Answer == LogStatusEnumType.Rejected ? null : $"{request.LogType.ToWire()}-{request.RequestId}.log" });
        });
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N01_GetLog_the_station_uploads_to_the_file_service_and_the_request_shows_its_statuses_and_file(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var fake = new LogStation();
        await using var station = await csms.BootedStationAsync("CS-N01", fake.Handlers());

        var (status, answer) = await csms.PostJsonAsync("api/stations/CS-N01/logs",
            """{"logType":"SecurityLog","oldestTimestamp":"2026-11-30T00:00:00Z","latestTimestamp":"2026-12-01T00:00:00Z","retries":3,"retryInterval":60}""");
        Assert.Equal(200, status);
        Assert.Equal("Accepted", answer.GetProperty("responseStatus").GetString());
        var requestId = answer.GetProperty("requestId").GetInt64();

        var sent = await fake.Requests.Reader.ReadAsync();
        Assert.Equal(LogEnumType.SecurityLog, sent.LogType);
        Assert.Equal(requestId, sent.RequestId);
        Assert.Equal((3, 60), (sent.Retries, sent.RetryInterval));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), sent.Log.OldestTimestamp);
        Assert.Contains("/files/", sent.Log.RemoteLocation, StringComparison.Ordinal);
        Assert.Equal($"SecurityLog-{requestId}.log", answer.GetProperty("filename").GetString());

        // The station uploads as chargers do: multipart/form-data, telling the CSMS each step.
        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Uploading, RequestId = sent.RequestId });
        var log = "2026-11-30T10:00:00Z SettingSystemTime\n2026-11-30T11:00:00Z StartupOfTheDevice\n"u8.ToArray();
        using (var http = new HttpClient())
        using (var form = new MultipartFormDataContent())
        {
            var part = new ByteArrayContent(log);
            part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
            form.Add(part, "file", $"SecurityLog-{requestId}.log");
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsync(sent.Log.RemoteLocation, form)).StatusCode);
        }

        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Uploaded, RequestId = sent.RequestId });

        var request = await csms.GetJsonAsync($"api/stations/CS-N01/logs/{requestId}");
        Assert.Equal("Uploaded", request.GetProperty("status").GetString());
        Assert.Equal(["Uploading", "Uploaded"], request.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        var file = request.GetProperty("file");
        Assert.Equal("Log", file.GetProperty("kind").GetString());
        Assert.Equal("CS-N01", file.GetProperty("stationId").GetString());
        Assert.Equal($"SecurityLog-{requestId}.log", file.GetProperty("name").GetString());
        Assert.Equal(log, await csms.Api.GetByteArrayAsync($"api/files/{file.GetProperty("id").GetInt64()}/content"));

        var list = await csms.GetJsonAsync("api/stations/CS-N01/logs");
        Assert.Equal(requestId, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("requestId").GetInt64());
    }

    [Fact]
    public async Task N01_every_upload_status_is_kept_per_request_a_rejection_is_stored_and_an_Idle_without_request_is_kept_apart()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var fake = new LogStation();
        await using var station = await csms.BootedStationAsync("CS-N01B", fake.Handlers());

        var (_, first) = await csms.PostJsonAsync("api/stations/CS-N01B/logs", """{"logType":"DiagnosticsLog"}""");
        var id = (int)first.GetProperty("requestId").GetInt64();
        foreach (var s in new[] { UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.UploadFailure, UploadLogStatusEnumType.BadMessage, UploadLogStatusEnumType.PermissionDenied, UploadLogStatusEnumType.NotSupportedOperation })
        {
            await station.CallAsync(new LogStatusNotificationRequest { Status = s, RequestId = id });
        }

        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.Idle });

        // A new request while the first is ongoing: the station cancels the first one.
        fake.Answer = LogStatusEnumType.AcceptedCanceled;
        var (_, second) = await csms.PostJsonAsync("api/stations/CS-N01B/logs", """{"logType":"DiagnosticsLog"}""");
        Assert.Equal("AcceptedCanceled", second.GetProperty("responseStatus").GetString());
        await station.CallAsync(new LogStatusNotificationRequest { Status = UploadLogStatusEnumType.AcceptedCanceled, RequestId = id });

        fake.Answer = LogStatusEnumType.Rejected;
        var (_, third) = await csms.PostJsonAsync("api/stations/CS-N01B/logs", """{"logType":"SecurityLog"}""");
        Assert.Equal("Rejected", third.GetProperty("status").GetString());

        var firstNow = await csms.GetJsonAsync($"api/stations/CS-N01B/logs/{id}");
        Assert.Equal(
            ["Uploading", "UploadFailure", "BadMessage", "PermissionDenied", "NotSupportedOperation", "AcceptedCanceled"],
            firstNow.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal("AcceptedCanceled", firstNow.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, firstNow.GetProperty("file").ValueKind);
        Assert.Equal(3, (await csms.GetJsonAsync("api/stations/CS-N01B/logs")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task N01_bad_input_and_unknown_or_offline_stations_get_a_ProblemDetails()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-N01C");
        Assert.Equal(404, (await csms.PostJsonAsync("api/stations/CS-NONE/logs", """{"logType":"DiagnosticsLog"}""")).Status);
        Assert.Equal(503, (await csms.PostJsonAsync("api/stations/CS-N01C/logs", """{"logType":"DiagnosticsLog"}""")).Status);
        var (status, problem) = await csms.PostJsonAsync("api/stations/CS-N01C/logs", """{"logType":"DiagnosticsLog","retries":-1}""");
        Assert.Equal(400, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("retries", out _));
        Assert.Equal(400, (await csms.PostJsonAsync("api/stations/CS-N01C/logs", """{"logType":"Everything"}""")).Status);
        Assert.Equal(404, (int)(await csms.Api.GetAsync("api/stations/CS-N01C/logs/99")).StatusCode);
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-N01C/logs")).GetProperty("total").GetInt32());
    }
}
