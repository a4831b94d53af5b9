using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Server;
using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Support;

/// <summary>The real CSMS host on loopback ports, on a fresh database, with an API client.</summary>
public sealed class CsmsTestHost : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0123456789";

    private readonly TestDatabase _database;
    private bool _handedOver;
    private bool _sharesDatabase;

    private CsmsTestHost(WebApplication app, TestDatabase database, LogRecorder logs)
    {
        App = app;
        Logs = logs;
        _database = database;
        Api = new HttpClient { BaseAddress = CsmsHost.ApiEndpoint(app) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public WebApplication App { get; }

    /// <summary>What the host logged; an Error or Critical the test did not declare with ExpectError fails it at dispose.</summary>
    public LogRecorder Logs { get; }

    public HttpClient Api { get; }

    public Uri OcppEndpoint => CsmsHost.OcppEndpoint(App);

    public CsmsDatabase Database => App.Services.GetRequiredService<CsmsDatabase>();

    public static Task<CsmsTestHost> StartAsync(string databaseKind, params (string Key, string Value)[] settings) =>
        StartAsync(databaseKind, configure: null, settings);

    /// <summary>Starts the host; <paramref name="configure"/> may replace services (a FakeTimeProvider, say).</summary>
    public static async Task<CsmsTestHost> StartAsync(string databaseKind, Action<WebApplicationBuilder>? configure, params (string Key, string Value)[] settings)
    {
        UnobservedTaskExceptions.Watch();
        return await StartOnAsync(await TestDatabases.CreateAsync(databaseKind), configure, settings);
    }

    /// <summary>Starts a host on <paramref name="database"/>, which the caller owns and disposes (hosts that share one database: a cluster's nodes).</summary>
    public static async Task<CsmsTestHost> StartSharingAsync(TestDatabase database, params (string Key, string Value)[] settings)
    {
        UnobservedTaskExceptions.Watch();
        var host = await StartOnAsync(database, null, settings, ownsDatabase: false);
        host._sharesDatabase = true;
        return host;
    }

    /// <summary>Stops this host and starts another on the same database with <paramref name="settings"/>: a restart. Dispose the new one only.</summary>
    public async Task<CsmsTestHost> RestartAsync(params (string Key, string Value)[] settings)
    {
        Api.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Logs.AssertClean();
        _handedOver = true;
        return await StartOnAsync(_database, null, settings);
    }

    private static async Task<CsmsTestHost> StartOnAsync(TestDatabase database, Action<WebApplicationBuilder>? configure, (string Key, string Value)[] settings, bool ownsDatabase = true)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["Ocpp:Url"] = "http://127.0.0.1:0",
            ["Api:Url"] = "http://127.0.0.1:0",
            ["Api:Key"] = ApiKey,
            ["Ocpp:CallTimeoutSeconds"] = "10",
        };
        foreach (var (key, value) in database.Settings)
        {
            overrides[key] = value;
        }

        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        try
        {
            var logs = new LogRecorder();
            var app = CsmsHost.Build(overrides, database.Folder, builder =>
            {
                builder.Logging.AddProvider(logs);
                configure?.Invoke(builder);
            });
            await CsmsHost.StartAsync(app);
            return new CsmsTestHost(app, database, logs);
        }
        catch
        {
            if (ownsDatabase)
            {
                await database.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Registers a station through the API.</summary>
    public async Task RegisterAsync(string stationId, string? password = "station-password-16", int securityProfile = 1, string bootPolicy = "Accepted")
    {
        var response = await Api.PutAsJsonAsync($"api/stations/{stationId}", new { password, securityProfile, bootPolicy });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Adds an id token through the API.</summary>
    public async Task AddTokenAsync(object token)
    {
        var response = await Api.PostAsJsonAsync("api/id-tokens", token);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Connects a station; register it first unless the host accepts unknown stations.</summary>
    public Task<OcppConnection> ConnectAsync(string stationId, OcppHandlers? handlers = null, string? password = "station-password-16") =>
        OcppClient.ConnectAsync(new OcppClientOptions { Endpoint = OcppEndpoint, StationId = stationId, Password = password }, handlers ?? new OcppHandlers());

    /// <summary>
    /// Waits until this CSMS has opened the session of <paramref name="stationId"/>'s open connection and
    /// <paramref name="ready"/> holds for it: the server opens it just after the upgrade the client has already seen.
    /// </summary>
    public async Task<Ohm.Csms.Sessions.StationSession> SessionAsync(string stationId, Func<Ohm.Csms.Sessions.StationSession, bool>? ready = null)
    {
        var sessions = App.Services.GetRequiredService<Ohm.Csms.Sessions.StationSessions>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (sessions.Find(stationId) is not { Connection.IsOpen: true } session || !(ready?.Invoke(session) ?? true))
        {
            await Task.Delay(10, timeout.Token);
        }

        return sessions.Find(stationId)!;
    }

    /// <summary>Connects and boots a station, registered with SP1 and Accepted.</summary>
    public async Task<OcppConnection> BootedStationAsync(string stationId, OcppHandlers? handlers = null)
    {
        await RegisterAsync(stationId);
        var connection = await ConnectAsync(stationId, handlers);
        var boot = await connection.CallAsync(Boot());
        Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
        return connection;
    }

    public static BootNotificationRequest Boot() => new()
    {
        Reason = BootReasonEnumType.PowerUp,
        ChargingStation = new ChargingStationType { Model = "TestModel", VendorName = "Ohm", SerialNumber = "SN-1", FirmwareVersion = "1.2.3", Modem = new ModemType { Iccid = "8931", Imsi = "2040" } },
    };

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Api.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<(int Status, JsonElement Body)> PostJsonAsync(string path, string json)
    {
        var response = await Api.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async ValueTask DisposeAsync()
    {
        if (_handedOver)
        {
            return;
        }

        Api.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        if (!_sharesDatabase)
        {
            await _database.DisposeAsync();
        }

        Logs.AssertClean();
    }
}
