using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Logs;

/// <summary>N01 on a whole Ohm.Station over loopback: its diagnostics and security logs uploaded by HTTP to a loopback Kestrel receiver.</summary>
public sealed class LogUploadTests
{
    /// <summary>A loopback HTTP server that takes uploads: PUT, or a multipart POST; what each path does is set per test.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);

        private Receiver(WebApplication app) => _app = app;

        /// <summary>Each upload received in full: method, path, the file's content, and its name.</summary>
        public ConcurrentQueue<(string Method, string Path, string Content, string? FileName)> Uploads { get; } = new();

        /// <summary>Paths whose requests hang until <see cref="Release"/> (or the client gives up).</summary>
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Uri Base { get; private set; } = null!;

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.Map("/{**path}", receiver.HandleAsync);
            await app.StartAsync();
            receiver.Base = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
            return receiver;
        }

        /// <summary>The next <paramref name="count"/> uploads to <paramref name="path"/> are answered 500.</summary>
        public void FailNext(string path, int count) => _failuresLeft[path] = count;

        private async Task HandleAsync(HttpContext http)
        {
            var path = http.Request.Path.Value!.TrimStart('/');
            if (path.StartsWith("hang", StringComparison.Ordinal))
            {
                await Release.Task.WaitAsync(http.RequestAborted);
            }

            if (_failuresLeft.TryGetValue(path, out var left) && left > 0)
            {
                _failuresLeft[path] = left - 1;
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            if (path.StartsWith("denied", StringComparison.Ordinal))
            {
                http.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            if (path.StartsWith("post-only", StringComparison.Ordinal) && HttpMethods.IsPut(http.Request.Method))
            {
                http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            if (HttpMethods.IsPost(http.Request.Method) && http.Request.HasFormContentType)
            {
                var form = await http.Request.ReadFormAsync(http.RequestAborted);
                var file = form.Files.Single();
                using var reader = new StreamReader(file.OpenReadStream());
                Uploads.Enqueue(("POST", path, await reader.ReadToEndAsync(), file.FileName));
            }
            else
            {
                using var reader = new StreamReader(http.Request.Body);
                Uploads.Enqueue((http.Request.Method, path, await reader.ReadToEndAsync(), http.Request.Headers.ContentDisposition.ToString()));
            }

            http.Response.StatusCode = StatusCodes.Status201Created;
        }

        public async ValueTask DisposeAsync()
        {
            Release.TrySetResult();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static GetLogRequest GetLog(int requestId, LogEnumType type, Uri location, DateTimeOffset? oldest = null, DateTimeOffset? latest = null, int? retries = null, int? retryInterval = null) => new()
    {
        RequestId = requestId,
        LogType = type,
        Retries = retries,
        RetryInterval = retryInterval,
        Log = new LogParametersType { RemoteLocation = location.ToString(), OldestTimestamp = oldest, LatestTimestamp = latest },
    };

    private static List<UploadLogStatusEnumType> Statuses(TestCsms csms, string stationId, int requestId) =>
        [.. csms.Of<LogStatusNotificationRequest>(stationId).Where(n => n.RequestId == requestId && n.Status != UploadLogStatusEnumType.Idle).Select(n => n.Status)];

    [Fact]
    public async Task N01_a_failed_upload_is_retried_after_retryInterval_on_the_station_clock_and_the_diagnostics_log_arrives_by_PUT()
    {
        await using var h = await StationHarness.StartAsync();
        await using var receiver = await Receiver.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-N01");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-N01", options: options);
        receiver.FailNext("logs/diag", 1);

        var answer = await h.Csms.Call("CS-N01", GetLog(7, LogEnumType.DiagnosticsLog, new Uri(receiver.Base, "logs/diag"), oldest: clock.GetUtcNow().AddMinutes(-1), retries: 2, retryInterval: 30));

        Assert.Equal(LogStatusEnumType.Accepted, answer.Status);
        Assert.Equal("diagnostics-7.log", answer.Filename);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 7 && n.Status == UploadLogStatusEnumType.UploadFailure);
        Assert.Empty(receiver.Uploads);
        Assert.Equal(7, station.LogUpload.RunningRequestId);
        await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Statuses(h.Csms, "CS-N01", 7).Count > 2, TimeSpan.FromMinutes(5), "the retry");
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 7 && n.Status == UploadLogStatusEnumType.Uploaded);

        Assert.Equal([UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.UploadFailure, UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.Uploaded], Statuses(h.Csms, "CS-N01", 7));
        var upload = Assert.Single(receiver.Uploads);
        Assert.Equal("PUT", upload.Method);
        Assert.Contains("diagnostics-7.log", upload.FileName, StringComparison.Ordinal);
        var lines = upload.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("# DiagnosticsLog ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.EndsWith("-> BootNotification", StringComparison.Ordinal));
        // The failed attempt is in the log of the retry, which started retryInterval later by the station's clock.
        DateTimeOffset At(string fragment) => DateTimeOffset.Parse(lines.Single(l => l.Contains(fragment, StringComparison.Ordinal)).Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(At("GetLog 7: attempt 2 of 3") - At("HTTP 500"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(32));
        Assert.True(File.Exists(station.LogUpload.DiagnosticsFile));
        Assert.Null(station.LogUpload.RunningRequestId);
    }

    [Fact]
    public async Task N01_the_security_log_is_cut_to_oldestTimestamp_and_latestTimestamp_and_a_server_without_PUT_gets_a_multipart_POST()
    {
        await using var h = await StationHarness.StartAsync();
        await using var receiver = await Receiver.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-N01-SEC");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-N01-SEC", options: options);
        var t0 = clock.GetUtcNow();
        station.SecurityEvents.Raise(SecurityEventTypes.TamperDetectionActivated, "before the window");
        clock.Advance(TimeSpan.FromMinutes(10));
        station.SecurityEvents.Raise(SecurityEventTypes.InvalidMessages, "inside the window");
        clock.Advance(TimeSpan.FromMinutes(10));
        station.SecurityEvents.Raise(SecurityEventTypes.MemoryExhaustion, "after the window");

        var answer = await h.Csms.Call("CS-N01-SEC", GetLog(8, LogEnumType.SecurityLog, new Uri(receiver.Base, "post-only/security"), oldest: t0.AddMinutes(5), latest: t0.AddMinutes(15)));

        Assert.Equal(LogStatusEnumType.Accepted, answer.Status);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 8 && n.Status == UploadLogStatusEnumType.Uploaded);
        var upload = Assert.Single(receiver.Uploads);
        Assert.Equal(("POST", "security-8.log"), (upload.Method, upload.FileName));
        var lines = upload.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("# SecurityLog ", lines[0], StringComparison.Ordinal);
        Assert.Equal(t0.AddMinutes(10).ToString("O", System.Globalization.CultureInfo.InvariantCulture) + " InvalidMessages inside the window", lines[1]);

        // A location the station cannot upload to: Accepted, then NotSupportedOperation and no retry; 403: PermissionDenied.
        Assert.Equal(LogStatusEnumType.Accepted, (await h.Csms.Call("CS-N01-SEC", GetLog(9, LogEnumType.SecurityLog, new Uri("ftp://127.0.0.1/logs"), retries: 3))).Status);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 9 && n.Status == UploadLogStatusEnumType.NotSupportedOperation);
        Assert.Equal([UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.NotSupportedOperation], Statuses(h.Csms, "CS-N01-SEC", 9));
        Assert.Equal(LogStatusEnumType.Accepted, (await h.Csms.Call("CS-N01-SEC", GetLog(10, LogEnumType.SecurityLog, new Uri(receiver.Base, "denied"), retries: 0))).Status);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 10 && n.Status == UploadLogStatusEnumType.PermissionDenied);
        var rejected = await h.Csms.Call("CS-N01-SEC", new GetLogRequest { RequestId = 11, LogType = LogEnumType.SecurityLog, Log = new LogParametersType { RemoteLocation = "not a url" } });
        Assert.Equal(LogStatusEnumType.Rejected, rejected.Status);
        Assert.Empty(Statuses(h.Csms, "CS-N01-SEC", 11));
    }

    [Fact]
    public async Task N01_a_new_GetLog_cancels_the_running_upload_and_is_answered_AcceptedCanceled_and_TriggerMessage_tells_the_current_state()
    {
        await using var h = await StationHarness.StartAsync();
        await using var receiver = await Receiver.StartAsync();
        var station = await h.StartStation("CS-N01-CANCEL");

        Assert.Equal(LogStatusEnumType.Accepted, (await h.Csms.Call("CS-N01-CANCEL", GetLog(21, LogEnumType.DiagnosticsLog, new Uri(receiver.Base, "hang/first")))).Status);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 21 && n.Status == UploadLogStatusEnumType.Uploading);
        var triggered = await h.Csms.Call("CS-N01-CANCEL", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.LogStatusNotification });
        Assert.Equal(TriggerMessageStatusEnumType.Accepted, triggered.Status);
        await TestCsms.Until(() => Statuses(h.Csms, "CS-N01-CANCEL", 21).Count == 2, "the triggered LogStatusNotification");
        Assert.Equal([UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.Uploading], Statuses(h.Csms, "CS-N01-CANCEL", 21));

        var second = await h.Csms.Call("CS-N01-CANCEL", GetLog(22, LogEnumType.DiagnosticsLog, new Uri(receiver.Base, "logs/second")));

        Assert.Equal(LogStatusEnumType.AcceptedCanceled, second.Status);
        await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.RequestId == 22 && n.Status == UploadLogStatusEnumType.Uploaded);
        Assert.Equal("logs/second", Assert.Single(receiver.Uploads).Path);
        await TestCsms.Until(() => station.LogUpload.RunningRequestId is null, "the uploads to end");
        Assert.Equal([UploadLogStatusEnumType.Uploading, UploadLogStatusEnumType.Uploading], Statuses(h.Csms, "CS-N01-CANCEL", 21)); // nothing more for the canceled one
        await h.Csms.Call("CS-N01-CANCEL", new TriggerMessageRequest { RequestedMessage = MessageTriggerEnumType.LogStatusNotification });
        var idle = await h.Csms.WaitFor<LogStatusNotificationRequest>(n => n.Status == UploadLogStatusEnumType.Idle);
        Assert.Null(idle.RequestId);
    }
}
