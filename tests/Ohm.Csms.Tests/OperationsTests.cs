using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Ohm.Csms.Server;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Tests.Support;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>What an operator sees and what the CSMS refuses at start: CALLERROR logs, the log format, safe defaults.</summary>
public sealed class OperationsTests
{
    /// <summary>A station on a raw WebSocket, booted, that sends frames as text and reads the answers.</summary>
    private static async Task<Func<string, Task<JsonElement>>> RawBootedStationAsync(CsmsTestHost csms, string stationId, ClientWebSocket socket)
    {
        await csms.RegisterAsync(stationId);
        socket.Options.AddSubProtocol("ocpp2.0.1");
        socket.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(stationId + ":station-password-16")));
        await socket.ConnectAsync(new Uri(csms.OcppEndpoint + "/" + stationId), CancellationToken.None);

        async Task<JsonElement> Exchange(string frame)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
            var buffer = new byte[16 * 1024];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            return JsonDocument.Parse(buffer.AsMemory(0, result.Count)).RootElement.Clone();
        }

        var boot = await Exchange("""[2,"boot-1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"V"}}]""");
        Assert.Equal("Accepted", boot[2].GetProperty("status").GetString());
        return Exchange;
    }

    private static LogEntry CallErrorLog(CsmsTestHost csms, string messageId) =>
        Assert.Single(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Field("MessageId") == messageId && e.Field("ErrorCode") is not null);

    [Fact]
    public async Task Every_CALLERROR_the_CSMS_sends_is_logged_at_Warning_with_station_message_id_action_and_error_code()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        using var socket = new ClientWebSocket();
        var exchange = await RawBootedStationAsync(csms, "CS-ERR", socket);

        var invalid = await exchange("""[2,"bad-1","Heartbeat",{"unexpected":1}]""");
        Assert.Equal(4, invalid[0].GetInt32());
        var log = CallErrorLog(csms, "bad-1");
        Assert.Equal("CS-ERR", log.Field("StationId"));
        Assert.Equal("Heartbeat", log.Field("Action"));
        Assert.Equal(invalid[2].GetString(), log.Field("ErrorCode"));
        Assert.Equal(invalid[3].GetString(), log.Field("Description"));

        var unknown = await exchange("""[2,"bad-2","NoSuchAction",{}]""");
        Assert.Equal("NotImplemented", unknown[2].GetString());
        log = CallErrorLog(csms, "bad-2");
        Assert.Equal("CS-ERR", log.Field("StationId"));
        Assert.Equal("NoSuchAction", log.Field("Action"));
        Assert.Equal("NotImplemented", log.Field("ErrorCode"));

        var notJson = await exchange("""[2,"bad-3","Heartbeat",{]""");
        Assert.Equal("RpcFrameworkError", notJson[2].GetString());
        Assert.Contains(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Field("ErrorCode") == "RpcFrameworkError" && e.Field("StationId") == "CS-ERR");

        // The CSMS's own guard: a station that has not booted may send nothing but BootNotification.
        await csms.RegisterAsync("CS-NOBOOT");
        using var unbooted = new ClientWebSocket();
        unbooted.Options.AddSubProtocol("ocpp2.0.1");
        unbooted.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("CS-NOBOOT:station-password-16")));
        await unbooted.ConnectAsync(new Uri(csms.OcppEndpoint + "/CS-NOBOOT"), CancellationToken.None);
        await unbooted.SendAsync(Encoding.UTF8.GetBytes("""[2,"early-1","Heartbeat",{}]"""), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = await unbooted.ReceiveAsync(buffer, timeout.Token);
        var refused = JsonDocument.Parse(buffer.AsMemory(0, received.Count)).RootElement;
        Assert.Equal(4, refused[0].GetInt32());
        log = CallErrorLog(csms, "early-1");
        Assert.Equal("CS-NOBOOT", log.Field("StationId"));
        Assert.Equal("Heartbeat", log.Field("Action"));
        Assert.Equal(refused[2].GetString(), log.Field("ErrorCode"));
    }

    [Fact]
    public async Task A_CALLERROR_a_station_answers_to_the_CSMS_is_logged_at_Warning_with_its_action_and_code()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-NORESET");
        var (status, _) = await csms.PostJsonAsync("api/stations/CS-NORESET/commands/reset", """{"type":"Immediate"}""");
        Assert.Equal(502, status);
        var log = Assert.Single(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Field("Action") == "Reset" && e.Field("ErrorCode") == "NotSupported");
        Assert.Equal("CS-NORESET", log.Field("StationId"));
        Assert.False(string.IsNullOrEmpty(log.Field("MessageId")));
    }

    /// <summary>Writes every entry through the console formatter the host's settings chose, as the console logger does.</summary>
    private sealed class ConsoleCapture(IServiceProvider services) : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Capture(ConsoleCapture owner, string category) : ILogger
        {
            private readonly LoggerExternalScopeProvider _scopes = new();

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => _scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var name = owner.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName;
                var console = owner.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == name);
                using var writer = new StringWriter();
                console.Write(new Microsoft.Extensions.Logging.Abstractions.LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), _scopes, writer);
                owner.Lines.Enqueue(writer.ToString());
            }
        }

        private IServiceProvider Services => services;
    }

    [Fact]
    public async Task The_json_console_format_writes_one_JSON_object_per_entry_with_StationId_and_MessageId_as_fields()
    {
        ConsoleCapture? capture = null;
        await using var csms = await CsmsTestHost.StartAsync(
            TestDatabases.Sqlite,
            b => b.Services.AddSingleton<ILoggerProvider>(sp => capture = new ConsoleCapture(sp)),
            ("Logging:Console:FormatterName", "json"));
        using var socket = new ClientWebSocket();
        var exchange = await RawBootedStationAsync(csms, "CS-JSON", socket);
        await exchange("""[2,"json-1","NoSuchAction",{}]""");

        Assert.NotNull(capture);
        var entries = capture.Lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var callError = Assert.Single(entries, e => e.GetProperty("State").TryGetProperty("MessageId", out var id) && id.GetString() == "json-1");
        Assert.Equal("Warning", callError.GetProperty("LogLevel").GetString());
        Assert.Equal("CS-JSON", callError.GetProperty("State").GetProperty("StationId").GetString());
        Assert.Contains("NotImplemented", callError.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.True(callError.TryGetProperty("Scopes", out _), "the json format includes scopes");
    }

    [Fact]
    public async Task The_simple_console_format_stays_the_default()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        Assert.Equal(ConsoleFormatterNames.Simple, csms.App.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(csms.App.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine);
    }

    private static Dictionary<string, string?> Settings(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Storage:DataFolder"] = Path.Combine(Path.GetTempPath(), "ohm-never-created-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return all;
    }

    [Fact]
    public void A_log_format_that_does_not_exist_stops_the_start_naming_the_setting()
    {
        var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(("Api:Key", CsmsTestHost.ApiKey), ("Logging:Console:FormatterName", "xml"))));
        Assert.Contains("Logging:Console:FormatterName", error.Message, StringComparison.Ordinal);
        Assert.Contains("'xml'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ocpp_SendTimeoutSeconds_reaches_every_connection_and_a_bad_value_stops_the_start_naming_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(("Api:Key", CsmsTestHost.ApiKey), ("Ocpp:SendTimeoutSeconds", "0"))));
        Assert.Contains("Ocpp:SendTimeoutSeconds", error.Message, StringComparison.Ordinal);

        await using var app = CsmsHost.Build(Settings(("Api:Key", CsmsTestHost.ApiKey), ("Ocpp:SendTimeoutSeconds", "7")));
        Assert.Equal(TimeSpan.FromSeconds(7), app.Services.GetRequiredService<Ohm.Ocpp.AspNetCore.OcppServer>().Options.Rpc.SendTimeout);
    }

    [Fact]
    public void A_log_level_that_does_not_exist_stops_the_start_naming_the_setting()
    {
        var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(("Api:Key", CsmsTestHost.ApiKey), ("Logging:LogLevel:Ohm.Csms", "Loud"))));
        Assert.Contains("Logging:LogLevel:Ohm.Csms", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Loud'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_API_key_or_any_account_the_CSMS_starts_and_warns_how_to_create_the_first_administrator()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:Key", ""));
        var warning = Assert.Single(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("No operator account", StringComparison.Ordinal));
        Assert.Contains("ohm csms user add --role admin NAME", warning.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await new HttpClient { BaseAddress = csms.Api.BaseAddress }.GetAsync("api/stations")).StatusCode);
    }

    [Fact]
    public void An_https_API_without_a_certificate_refuses_to_start_naming_Api_Tls_CertificateFile()
    {
        var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(("Api:Key", CsmsTestHost.ApiKey), ("Api:Url", "https://127.0.0.1:0"))));
        Assert.Contains("Api:Tls:CertificateFile", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_with_the_wrong_password_stops_the_start_with_one_line_naming_the_setting()
    {
        using var root = TestCertificates.CreateRoot("Wrong password root");
        using var certificate = TestCertificates.CreateServer(root);
        var folder = Directory.CreateTempSubdirectory("ohm-bad-pfx-").FullName;
        try
        {
            var pfx = Path.Combine(folder, "csms.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "right-password"));
            var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(
                ("Api:Key", CsmsTestHost.ApiKey), ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:Tls:CertificateFile", pfx), ("Ocpp:Tls:CertificatePassword", "wrong-password"))));
            Assert.Contains("Ocpp:Tls:CertificatePassword", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);

            error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(Settings(
                ("Api:Key", CsmsTestHost.ApiKey), ("Api:Url", "https://127.0.0.1:0"), ("Api:Tls:CertificateFile", pfx), ("Api:Tls:CertificatePassword", "wrong-password"))));
            Assert.Contains("Api:Tls:CertificatePassword", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Development_mode_warns_at_start_that_stations_need_no_credentials_and_loopback_API_calls_no_key()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Csms:AcceptUnknown", "true"), ("Api:AllowLoopbackWithoutKey", "true"));
        Assert.Contains(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("accepted without credentials", StringComparison.Ordinal));
        Assert.Contains(csms.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("loopback are accepted without a key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_development_mode_nothing_warns_of_it()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        Assert.DoesNotContain(csms.Logs.Entries, e => e.Message.Contains("Development mode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_API_over_https_serves_https_with_its_certificate()
    {
        using var root = TestCertificates.CreateRoot("API root");
        using var certificate = TestCertificates.CreateServer(root);
        var folder = Directory.CreateTempSubdirectory("ohm-api-tls-").FullName;
        try
        {
            var pfx = Path.Combine(folder, "api.pfx");
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "api-pfx-password"));
            await using var csms = await CsmsTestHost.StartAsync(
                TestDatabases.Sqlite, ("Api:Url", "https://127.0.0.1:0"), ("Api:Tls:CertificateFile", pfx), ("Api:Tls:CertificatePassword", "api-pfx-password"));
            var api = CsmsHost.ApiEndpoint(csms.App);
            Assert.Equal("https", api.Scheme);
            Assert.Equal("ws", csms.OcppEndpoint.Scheme);

            using var https = new HttpClient(new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = OcppTls.TrustRoot(root) } });
            https.DefaultRequestHeaders.Add("X-Api-Key", CsmsTestHost.ApiKey);
            Assert.Equal(HttpStatusCode.OK, (await https.GetAsync(new Uri(api, "api/stations"))).StatusCode);

            using var plain = new HttpClient();
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new UriBuilder(api) { Scheme = "http", Path = "api/stations" }.Uri));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
