using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>
/// /health (live, ready) and /metrics end to end: real stations over loopback WebSockets, real databases. The meters
/// are process-wide (every host's exporter sees every host's measurements), so these tests do not run in parallel with
/// others, and the metric assertions compare a scrape before with a scrape after.
/// </summary>
[Collection(nameof(ObservabilityTests))]
[CollectionDefinition(nameof(ObservabilityTests), DisableParallelization = true)]
public sealed partial class ObservabilityTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    [Fact]
    public async Task Health_ready_is_503_while_the_migrations_run_and_live_is_200_then_ready_200()
    {
        await using var database = await TestDatabases.CreateAsync(TestDatabases.Sqlite);

        // EF Core's migration lock, held as by another instance that is migrating: the migrations wait for it, and the
        // host listens meanwhile, not ready.
        await using var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(database.Folder, "ohm-csms.db") }.ToString());
        await blocker.OpenAsync();
        await using (var hold = blocker.CreateCommand())
        {
            hold.CommandText = """CREATE TABLE "__EFMigrationsLock" ("Id" INTEGER NOT NULL CONSTRAINT "PK___EFMigrationsLock" PRIMARY KEY, "Timestamp" TEXT NOT NULL); INSERT INTO "__EFMigrationsLock" VALUES (1, '2026-01-01 00:00:00');""";
            await hold.ExecuteNonQueryAsync();
        }

        var logs = new LogRecorder();
        logs.ExpectError("Health check");
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Api:Key"] = CsmsTestHost.ApiKey,
            ["Health:DatabaseTimeoutSeconds"] = "1",
        };
        foreach (var (key, value) in database.Settings)
        {
            overrides[key] = value;
        }

        var app = CsmsHost.Build(overrides, database.Folder, b => b.Logging.AddProvider(logs));
        await using var disposeApp = app;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Lifetime.ApplicationStarted.Register(listening.SetResult);
        var starting = CsmsHost.StartAsync(app);
        try
        {
            await Task.WhenAny(listening.Task, starting).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.False(starting.IsCompleted, starting.Exception?.ToString());
            await WhileMigratingAsync(app);
        }
        finally
        {
            await using (var release = blocker.CreateCommand())
            {
                release.CommandText = """DELETE FROM "__EFMigrationsLock";""";
                await release.ExecuteNonQueryAsync();
            }

            await starting.WaitAsync(TimeSpan.FromSeconds(60));
        }

        using var api = new HttpClient { BaseAddress = CsmsHost.ApiEndpoint(app) };
        var (readyStatus, ready) = await GetHealthAsync(api, "health/ready");
        Assert.True(readyStatus == 200, ready.ToString());
        Assert.Equal("Healthy", Check(ready, "migrations").GetProperty("status").GetString());
        await app.StopAsync();
        logs.AssertClean();
    }

    private static async Task WhileMigratingAsync(Microsoft.AspNetCore.Builder.WebApplication app)
    {
        using var api = new HttpClient { BaseAddress = CsmsHost.ApiEndpoint(app) };
        api.DefaultRequestHeaders.Add("X-Api-Key", CsmsTestHost.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("health/live")).StatusCode);
        var (status, body) = await GetHealthAsync(api, "health/ready");
        Assert.Equal(503, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Check(body, "migrations").GetProperty("status").GetString());
        Assert.Equal(503, (await GetHealthAsync(api, "health")).Status);

        // Stations are turned away until the database is ready.
        using (var http = new HttpClient())
        {
            var ocpp = new Uri(CsmsHost.OcppEndpoint(app).ToString().Replace("ws://", "http://", StringComparison.Ordinal) + "/CS-EARLY");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(ocpp)).StatusCode);
        }

        using var problem = await api.GetAsync("api/stations");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Health_ready_is_200_with_the_writer_data_when_healthy(string databaseKind)
    {
        await using var csms = await CsmsTestHost.StartAsync(databaseKind);
        await using var station = await csms.BootedStationAsync("CS-HEALTHY");

        var (status, body) = await GetHealthAsync(csms.Api, "health/ready");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("connectedStations").GetInt32());
        foreach (var name in new[] { "migrations", "database", "writer", "ocpp_listener" })
        {
            var check = Check(body, name);
            Assert.Equal("Healthy", check.GetProperty("status").GetString());
            Assert.False(string.IsNullOrEmpty(check.GetProperty("description").GetString()));
            Assert.True(TimeSpan.TryParse(check.GetProperty("duration").GetString(), CultureInfo.InvariantCulture, out _));
        }

        var database = Check(body, "database").GetProperty("data");
        Assert.Equal(0, database.GetProperty("writerQueueDepth").GetInt32());
        Assert.Equal(0, database.GetProperty("oldestPendingWriteSeconds").GetDouble());
        Assert.True(database.GetProperty("migrations").GetInt64() > 0);
        Assert.Equal(databaseKind == TestDatabases.Sqlite ? "Sqlite" : "Postgres", database.GetProperty("provider").GetString());
        Assert.Equal(CsmsHost.OcppEndpoint(csms.App).Port, IPEndPoint.Parse(Check(body, "ocpp_listener").GetProperty("data").GetProperty("endpoint").GetString()!).Port);

        var (liveStatus, live) = await GetHealthAsync(csms.Api, "health/live");
        Assert.Equal(200, liveStatus);
        Assert.Equal(0, live.GetProperty("checks").GetArrayLength());
        Assert.Equal(200, (await GetHealthAsync(csms.Api, "health")).Status);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Health_ready_is_503_when_the_database_is_down_and_live_stays_200(string databaseKind)
    {
        await using var csms = await CsmsTestHost.StartAsync(databaseKind, ("Health:DatabaseTimeoutSeconds", "2"));
        csms.Logs.ExpectError("Health check");
        Assert.Equal(200, (await GetHealthAsync(csms.Api, "health/ready")).Status);

        if (databaseKind == TestDatabases.Sqlite)
        {
            // The file is gone: a new connection cannot open it (the probe does not create it).
            var file = csms.Database.Description["SQLite ".Length..];
            foreach (var part in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(part);
            }
        }
        else
        {
            // The server takes no connection to the database any more, and the open ones are ended.
            var name = new NpgsqlConnectionStringBuilder(csms.App.Services.GetRequiredService<StorageOptions>().Database).Database;
            await using var admin = new NpgsqlConnection(TestDatabases.PostgresAdmin);
            await admin.OpenAsync();
            await using var command = new NpgsqlCommand($"ALTER DATABASE {name} ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';", admin);
            await command.ExecuteNonQueryAsync();
        }

        var (status, body) = await GetHealthAsync(csms.Api, "health/ready");
        Assert.True(status == 503, body.ToString());
        var database = Check(body, "database");
        Assert.Equal("Unhealthy", database.GetProperty("status").GetString());
        Assert.Contains("does not answer", database.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, database.GetProperty("data").GetProperty("writerQueueDepth").GetInt32());
        Assert.Equal("Healthy", Check(body, "ocpp_listener").GetProperty("status").GetString());
        Assert.Equal(503, (await GetHealthAsync(csms.Api, "health")).Status);
        Assert.Equal(200, (await GetHealthAsync(csms.Api, "health/live")).Status);

        var metrics = await ScrapeAsync(csms);
        Assert.True(Value(metrics, "ohm_csms_database_errors_total", ("kind", "database")) >= 1, metrics);
    }

    [Fact]
    public async Task Health_writer_is_degraded_then_unhealthy_while_a_write_waits_for_a_locked_database()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        csms.Logs.ExpectError("Health check");
        var writer = csms.App.Services.GetRequiredService<CsmsWriter>();
        var file = csms.Database.Description["SQLite ".Length..];

        await using var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file }.ToString());
        await blocker.OpenAsync();
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE;";
            await begin.ExecuteNonQueryAsync();
        }

        var registering = csms.Api.PutAsJsonAsync("api/stations/CS-WAITS", new { password = "station-password-16", securityProfile = 1, bootPolicy = "Accepted" });
        while (!writer.HasPending)
        {
            Assert.False(registering.IsCompleted, "The registration did not wait for the locked database.");
            await Task.Delay(10);
        }

        clock.Advance(TimeSpan.FromSeconds(6));
        var (degradedStatus, degraded) = await GetHealthAsync(csms.Api, "health/ready");
        Assert.True(degradedStatus == 200, degraded.ToString());
        Assert.Equal("Degraded", Check(degraded, "writer").GetProperty("status").GetString());
        Assert.Equal(6, Check(degraded, "writer").GetProperty("data").GetProperty("oldestPendingWriteSeconds").GetDouble());

        clock.Advance(TimeSpan.FromSeconds(25));
        var (unhealthyStatus, unhealthy) = await GetHealthAsync(csms.Api, "health/ready");
        Assert.True(unhealthyStatus == 503, unhealthy.ToString());
        Assert.Equal("Unhealthy", Check(unhealthy, "writer").GetProperty("status").GetString());
        Assert.Equal(31, Value(await ScrapeAsync(csms), "ohm_csms_writer_oldest_pending_age_seconds"));

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        (await registering).EnsureSuccessStatusCode();
        var (status, body) = await GetHealthAsync(csms.Api, "health/ready");
        Assert.True(status == 200, body.ToString());
        Assert.Equal("Healthy", Check(body, "writer").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Metrics_count_connections_refusals_closes_calls_and_writes_by_reason_and_outcome()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, b => b.Services.AddSingleton<TimeProvider>(clock));
        var before = await ScrapeAsync(csms);
        await using var connected = await RunScenarioAsync(csms);

        // A station connects again (its older connection is replaced), then an operator disables it.
        await using var first = await csms.ConnectAsync("CS-M-RAW");
        await using var second = await csms.ConnectAsync("CS-M-RAW");
        await first.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await csms.SessionAsync("CS-M-RAW"); // the newer connection's session, opened just after its upgrade

        (await csms.Api.PutAsJsonAsync("api/stations/CS-M-RAW", new { enabled = false })).EnsureSuccessStatusCode();
        await second.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        // A station that is not accepted yet connects and never boots: closed at the boot deadline.
        await using var silent = await csms.ConnectAsync("CS-M-PW");
        await csms.SessionAsync("CS-M-PW", s => s.BootDeadlineArmed); // the server opens the session, then arms the deadline, just after the upgrade

        clock.Advance(TimeSpan.FromSeconds(61)); // also: the active transactions are read again
        await silent.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        var after = await EventuallyAsync(csms, m =>
            Delta(before, m, "ohm_csms_connections_closed_total", ("reason", "station_closed")) >= 2
            && Delta(before, m, "ohm_csms_connections_closed_total") >= 5);
        double D(string name, params (string Key, string Value)[] labels) => Delta(before, after, name, labels);

        Assert.Equal(1, D("ohm_csms_connections_refused_total", ("reason", "wrong_password")));
        Assert.Equal(1, D("ohm_csms_connections_refused_total", ("reason", "disabled")));
        Assert.Equal(1, D("ohm_csms_connections_refused_total", ("reason", "unknown")));
        Assert.Equal(1, D("ohm_csms_connections_refused_total", ("reason", "bad_subprotocol")));
        Assert.Equal(4, D("ohm_csms_connections_refused_total"));
        Assert.Equal(6, D("ohm_csms_connections_opened_total"));
        Assert.Equal(2, D("ohm_csms_connections_closed_total", ("reason", "station_closed")));
        Assert.Equal(1, D("ohm_csms_connections_closed_total", ("reason", "replaced")));
        Assert.Equal(1, D("ohm_csms_connections_closed_total", ("reason", "by_operator")));
        Assert.Equal(1, D("ohm_csms_connections_closed_total", ("reason", "no_boot")));
        Assert.Equal(5, D("ohm_csms_connections_closed_total"));

        Assert.Equal(2, D("ohm_ocpp_call_duration_seconds_count", ("action", "BootNotification"), ("direction", "in"), ("outcome", "result")));
        Assert.Equal(2, D("ohm_ocpp_call_duration_seconds_count", ("action", "Heartbeat"), ("direction", "in"), ("outcome", "result")));
        Assert.Equal(1, D("ohm_ocpp_call_duration_seconds_count", ("action", "unknown"), ("direction", "in"), ("outcome", "error:NotImplemented")));
        Assert.Equal(1, D("ohm_ocpp_call_duration_seconds_count", ("action", "Reset"), ("direction", "out"), ("outcome", "error:NotSupported")));
        Assert.Equal(2, D("ohm_ocpp_call_duration_seconds_bucket", ("action", "Heartbeat"), ("direction", "in"), ("outcome", "result"), ("le", "+Inf")));
        Assert.Equal(1, D("ohm_ocpp_call_errors_total", ("code", "NotImplemented"), ("direction", "sent")));
        Assert.Equal(1, D("ohm_ocpp_call_errors_total", ("code", "NotSupported"), ("direction", "received")));

        Assert.True(D("ohm_csms_writer_batch_size_count") >= 1);
        Assert.Equal(D("ohm_csms_writer_batch_size_count"), D("ohm_csms_writer_commit_duration_seconds_count"));
        Assert.True(D("ohm_csms_writer_batch_size_sum") >= D("ohm_csms_writer_batch_size_count"));
        Assert.Equal(0, Value(after, "ohm_csms_writer_retries_total"));
        Assert.Equal(0, Value(after, "ohm_csms_database_errors_total"));
        Assert.Matches(@"(?m)^ohm_csms_writer_queue_depth(\{[^}]*\})? \d+", after); // a disconnection's write may be queued now

        // The booted station is connected and Accepted; its transaction is active, and stays active (stored) when it
        // disconnects: the count comes from the database, read again once the refresh interval has passed.
        Assert.Equal(1, Value(after, "ohm_csms_stations_connected"));
        Assert.Equal(1, Value(after, "ohm_csms_stations_by_registration", ("status", "Accepted")));
        Assert.Equal(0, Value(after, "ohm_csms_stations_by_registration", ("status", "Pending")));
        Assert.Equal(1, Value(after, "ohm_csms_transactions_active"));
        var count = csms.App.Services.GetRequiredService<ActiveTransactionCount>();
        var reads = count.Reads;
        Assert.Equal(1, count.Current());
        Assert.Equal(reads, count.Reads);
        clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(1, count.Current());
        Assert.Equal(reads + 1, count.Reads);
    }

    [Fact]
    public async Task Every_metric_of_the_Grafana_dashboard_is_in_a_real_scrape()
    {
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "grafana", "ohm-dashboard.json"))).RootElement;
        Assert.True(dashboard.GetProperty("schemaVersion").GetInt32() >= 36);
        var expressions = new List<string>();
        Collect(dashboard, expressions);
        var names = expressions.SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).ToHashSet(StringComparer.Ordinal);
        Assert.True(names.Count >= 15, string.Join(", ", names));

        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var connected = await RunScenarioAsync(csms);
        var scrape = await EventuallyAsync(csms, m => m.Contains("ohm_csms_connections_closed_total{", StringComparison.Ordinal));
        var present = scrape.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('{', ' ')[0]).ToHashSet(StringComparer.Ordinal);
        var missing = names.Where(n => !present.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"The dashboard uses metrics that the CSMS does not export: {string.Join(", ", missing)}");

        // The scrape, like /health, answers on the API listener only.
        using var onOcppPort = new HttpClient { BaseAddress = new Uri(csms.OcppEndpoint.ToString().Replace("ws://", "http://", StringComparison.Ordinal).Replace("/ocpp", "/", StringComparison.Ordinal)) };
        Assert.Equal(HttpStatusCode.NotFound, (await onOcppPort.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await onOcppPort.GetAsync("health/live")).StatusCode);

        static void Collect(JsonElement element, List<string> into)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name is "expr" or "query" or "definition" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            into.Add(property.Value.GetString()!);
                        }
                        else
                        {
                            Collect(property.Value, into);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Collect(item, into);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Refusals (wrong password, disabled, unknown, no subprotocol), two normal closes, boots, a Heartbeat, a made-up
    /// action answered NotImplemented, a Reset the station does not support, and a started transaction.
    /// </summary>
    private static async Task<OcppConnection> RunScenarioAsync(CsmsTestHost csms)
    {
        await csms.RegisterAsync("CS-M-PW");
        await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-M-PW", password: "wrong-password-1234"));
        await csms.RegisterAsync("CS-M-OFF");
        (await csms.Api.PutAsJsonAsync("api/stations/CS-M-OFF", new { enabled = false })).EnsureSuccessStatusCode();
        await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-M-OFF"));
        await Assert.ThrowsAsync<OcppConnectException>(() => csms.ConnectAsync("CS-M-NOBODY"));
        using (var oldProtocol = new ClientWebSocket())
        {
            oldProtocol.Options.AddSubProtocol("ocpp1.6");
            oldProtocol.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => oldProtocol.ConnectAsync(new Uri(csms.OcppEndpoint + "/CS-M-PW"), CancellationToken.None));
            Assert.Equal(HttpStatusCode.BadRequest, oldProtocol.HttpStatusCode);
        }

        // A booted station: a Heartbeat, a Reset it does not support, a transaction; it stays connected.
        var station = await csms.BootedStationAsync("CS-M-OK");
        await station.CallAsync(new HeartbeatRequest());
        var (resetStatus, _) = await csms.PostJsonAsync("api/stations/CS-M-OK/commands/reset", """{"type":"Immediate"}""");
        Assert.NotEqual(200, resetStatus);
        await station.CallAsync(TransactionTests.Event("tx-metrics", 0, TransactionEventEnumType.Started));

        // A second station boots, sends a made-up action and closes normally.
        await csms.RegisterAsync("CS-M-RAW");
        using (var raw = new ClientWebSocket())
        {
            raw.Options.AddSubProtocol("ocpp2.0.1");
            raw.Options.SetRequestHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("CS-M-RAW:station-password-16")));
            await raw.ConnectAsync(new Uri(csms.OcppEndpoint + "/CS-M-RAW"), CancellationToken.None);
            var booted = await ExchangeAsync(raw, """[2,"b-1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"M","vendorName":"Ohm"}}]""");
            Assert.Equal("Accepted", booted[2].GetProperty("status").GetString());
            var reply = await ExchangeAsync(raw, """[2,"m-1","MadeUpAction",{}]""");
            Assert.Equal("NotImplemented", reply[2].GetString());
            await raw.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        // The third connection (the booted station again) replaces nothing: it closes normally too.
        await station.CloseAsync();
        await station.DisposeAsync();
        var again = await csms.ConnectAsync("CS-M-OK");
        await again.CallAsync(new HeartbeatRequest());
        return again; // stays connected, for the gauges
    }

    private static async Task<JsonElement> ExchangeAsync(ClientWebSocket socket, string frame)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64 * 1024];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
            count += result.Count;
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, count)).RootElement.Clone();
    }

    private static async Task<(int Status, JsonElement Body)> GetHealthAsync(HttpClient api, string path)
    {
        var response = await api.GetAsync(path);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static JsonElement Check(JsonElement body, string name) =>
        body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static async Task<string> ScrapeAsync(CsmsTestHost csms)
    {
        var response = await csms.Api.GetAsync("metrics");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes until <paramref name="done"/> holds: what the server counts after a close or an answer lands a moment later.</summary>
    private static async Task<string> EventuallyAsync(CsmsTestHost csms, Func<string, bool> done)
    {
        var scrape = await ScrapeAsync(csms);
        for (var attempt = 0; attempt < 200 && !done(scrape); attempt++)
        {
            await Task.Delay(50);
            scrape = await ScrapeAsync(csms);
        }

        Assert.True(done(scrape), scrape);
        return scrape;
    }

    private static double Delta(string before, string after, string name, params (string Key, string Value)[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    /// <summary>The sum of the samples of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    private static double Value(string scrape, string name, params (string Key, string Value)[] labels)
    {
        var sum = 0.0;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal) || (line.Length > name.Length && line[name.Length] is not ('{' or ' ')))
            {
                continue;
            }

            var hasLabels = line.Length > name.Length && line[name.Length] == '{';
            var labelText = hasLabels ? line[(name.Length + 1)..line.LastIndexOf('}')] : "";
            if (labels.All(l => labelText.Contains($"{l.Key}=\"{l.Value}\"", StringComparison.Ordinal)))
            {
                var parts = line[(hasLabels ? line.LastIndexOf('}') + 1 : name.Length)..].Trim().Split(' ');
                sum += double.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Ohm.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Ohm.slnx) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\b(ohm|kestrel)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
