using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NJsonSchema;
using Ohm.Ocpp;
using Ohm.Ocpp.AspNetCore;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Station.Tests.Support;

/// <summary>One CALL a station sent, as the test CSMS received it.</summary>
public sealed record Received(string StationId, string Action, object Request, int Connection);

/// <summary>
/// A scriptable CSMS on Ohm.Ocpp's OcppServer, on a free loopback port. It records every CALL a station sends, checks
/// each against the official JSON schema with NJsonSchema (the reference validator), and answers as the test says.
/// </summary>
public sealed class TestCsms : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, Task<JsonSchema>> Schemas = new();
    private readonly WebApplication _app;
    private readonly List<Received> _received = [];
    private readonly Lock _lock = new();
    private int _connections;

    private TestCsms(WebApplication app, OcppServer server, Uri endpoint)
    {
        _app = app;
        Server = server;
        Endpoint = endpoint;
    }

    public OcppServer Server { get; }

    public Uri Endpoint { get; }

    /// <summary>Messages that broke the official schema.</summary>
    public ConcurrentQueue<string> SchemaErrors { get; } = new();

    public int Connections => _connections;

    /// <summary>The Basic-auth password of each connection attempt, in order.</summary>
    public ConcurrentQueue<(string StationId, string? Password)> Passwords { get; private init; } = new();

    public Func<BootNotificationRequest, BootNotificationResponse> Boot { get; set; } =
        _ => new BootNotificationResponse { Status = RegistrationStatusEnumType.Accepted, Interval = 300, CurrentTime = DateTimeOffset.UtcNow };

    public Func<AuthorizeRequest, AuthorizeResponse> Authorize { get; set; } =
        _ => new AuthorizeResponse { IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } };

    /// <summary>Answers a TransactionEvent; throw OcppCallErrorException to fail it.</summary>
    public Func<TransactionEventRequest, TransactionEventResponse> TransactionEvent { get; set; } = _ => new TransactionEventResponse();

    /// <summary>K15/K17: answers the EV's charging needs (Accepted by default); throw OcppCallErrorException to fail it.</summary>
    public Func<NotifyEVChargingNeedsRequest, NotifyEVChargingNeedsResponse> NotifyEVChargingNeeds { get; set; } =
        _ => new NotifyEVChargingNeedsResponse { Status = NotifyEVChargingNeedsStatusEnumType.Accepted };

    /// <summary>K15-K17: answers the EV's chosen schedule (Accepted by default).</summary>
    public Func<NotifyEVChargingScheduleRequest, NotifyEVChargingScheduleResponse> NotifyEVChargingSchedule { get; set; } =
        _ => new NotifyEVChargingScheduleResponse { Status = GenericStatusEnumType.Accepted };

    /// <summary>M01/M02: answers the EV's certificate request (Failed by default).</summary>
    public Func<Get15118EVCertificateRequest, Get15118EVCertificateResponse> Get15118EVCertificate { get; set; } =
        _ => new Get15118EVCertificateResponse { Status = Iso15118EVCertificateStatusEnumType.Failed, ExiResponse = "" };

    /// <summary>M06: answers GetCertificateStatus (Failed by default).</summary>
    public Func<GetCertificateStatusRequest, GetCertificateStatusResponse> GetCertificateStatus { get; set; } =
        _ => new GetCertificateStatusResponse { Status = GetCertificateStatusEnumType.Failed };

    /// <summary>A02/A03: answers the station's CSR (Accepted by default; no CertificateSigned follows unless the test sends one).</summary>
    public Func<SignCertificateRequest, SignCertificateResponse> SignCertificate { get; set; } =
        _ => new SignCertificateResponse { Status = GenericStatusEnumType.Accepted };

    public Func<DataTransferRequest, DataTransferResponse> DataTransfer { get; set; } =
        _ => new DataTransferResponse { Status = DataTransferStatusEnumType.Accepted };

    public static async Task<TestCsms> StartAsync()
    {
        var passwords = new ConcurrentQueue<(string, string?)>();
        var options = new OcppServerOptions
        {
            Authenticate = request =>
            {
                passwords.Enqueue((request.StationId, request.Password));
                return ValueTask.FromResult(true);
            },
        };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var server = new OcppServer(new OcppHandlers(), options, app.Services.GetRequiredService<ILoggerFactory>());
        app.MapOcpp(server);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var csms = new TestCsms(app, server, new Uri(address.Replace("http", "ws", StringComparison.Ordinal).TrimEnd('/') + options.PathPrefix)) { Passwords = passwords };
        csms.Register();
        server.Connected += (_, _) => Interlocked.Increment(ref csms._connections);
        return csms;
    }

    public IReadOnlyList<Received> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _received];
            }
        }
    }

    public List<T> Of<T>(string? stationId = null) => All.Where(r => stationId is null || r.StationId == stationId).Select(r => r.Request).OfType<T>().ToList();

    /// <summary>Waits until a received message of type T matches; returns it.</summary>
    public async Task<T> WaitFor<T>(Func<T, bool>? predicate = null, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            var found = Of<T>().FirstOrDefault(m => predicate?.Invoke(m) ?? true);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No {typeof(T).Name} matched within {seconds} s. Received: " + string.Join(", ", All.Select(r => r.Action)));
    }

    /// <summary>Waits until a condition holds.</summary>
    public static async Task Until(Func<bool> condition, string what, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Sends a CALL to a station; its answer is checked against the official schema as its requests are.</summary>
    public async Task<TResponse> Call<TResponse>(string stationId, IOcppRequest<TResponse> request)
        where TResponse : class, IOcppResponse
    {
        await Until(() => Server.Find(stationId) is { IsOpen: true }, stationId + " connected");
        var response = await Server.Find(stationId)!.CallAsync(request);
        var action = request.Action;
        Check(action.Name + "Response", JsonSerializer.Serialize(response, action.ResponseTypeInfo));
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Assert.True(SchemaErrors.IsEmpty, "Messages that break the official schema:\n" + string.Join("\n", SchemaErrors));
    }

    private void Register()
    {
        var h = Server.Handlers;
        h.On(OcppActions.BootNotification, (r, c, _) => Answer(r, c, () => Boot(r)));
        h.On(OcppActions.Heartbeat, (r, c, _) => Answer(r, c, () => new HeartbeatResponse { CurrentTime = DateTimeOffset.UtcNow }));
        h.On(OcppActions.StatusNotification, (r, c, _) => Answer(r, c, () => new StatusNotificationResponse()));
        h.On(OcppActions.Authorize, (r, c, _) => Answer(r, c, () => Authorize(r)));
        h.On(OcppActions.TransactionEvent, (r, c, _) => Answer(r, c, () => TransactionEvent(r)));
        h.On(OcppActions.MeterValues, (r, c, _) => Answer(r, c, () => new MeterValuesResponse()));
        h.On(OcppActions.NotifyReport, (r, c, _) => Answer(r, c, () => new NotifyReportResponse()));
        h.On(OcppActions.DataTransfer, (r, c, _) => Answer(r, c, () => DataTransfer(r)));
        h.On(OcppActions.FirmwareStatusNotification, (r, c, _) => Answer(r, c, () => new FirmwareStatusNotificationResponse()));
        h.On(OcppActions.LogStatusNotification, (r, c, _) => Answer(r, c, () => new LogStatusNotificationResponse()));
        h.On(OcppActions.NotifyCustomerInformation, (r, c, _) => Answer(r, c, () => new NotifyCustomerInformationResponse()));
        h.On(OcppActions.ReservationStatusUpdate, (r, c, _) => Answer(r, c, () => new ReservationStatusUpdateResponse()));
        h.On(OcppActions.NotifyEVChargingNeeds, (r, c, _) => Answer(r, c, () => NotifyEVChargingNeeds(r)));
        h.On(OcppActions.NotifyEVChargingSchedule, (r, c, _) => Answer(r, c, () => NotifyEVChargingSchedule(r)));
        h.On(OcppActions.NotifyChargingLimit, (r, c, _) => Answer(r, c, () => new NotifyChargingLimitResponse()));
        h.On(OcppActions.ClearedChargingLimit, (r, c, _) => Answer(r, c, () => new ClearedChargingLimitResponse()));
        h.On(OcppActions.ReportChargingProfiles, (r, c, _) => Answer(r, c, () => new ReportChargingProfilesResponse()));
        h.On(OcppActions.SecurityEventNotification, (r, c, _) => Answer(r, c, () => new SecurityEventNotificationResponse()));
        h.On(OcppActions.NotifyEvent, (r, c, _) => Answer(r, c, () => new NotifyEventResponse()));
        h.On(OcppActions.NotifyMonitoringReport, (r, c, _) => Answer(r, c, () => new NotifyMonitoringReportResponse()));
        h.On(OcppActions.Get15118EVCertificate, (r, c, _) => Answer(r, c, () => Get15118EVCertificate(r)));
        h.On(OcppActions.GetCertificateStatus, (r, c, _) => Answer(r, c, () => GetCertificateStatus(r)));
        h.On(OcppActions.SignCertificate, (r, c, _) => Answer(r, c, () => SignCertificate(r)));
    }

    private ValueTask<TResponse> Answer<TRequest, TResponse>(TRequest request, OcppCallContext context, Func<TResponse> respond)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse
    {
        var action = ((IOcppRequest)request).Action;
        Check(action.Name + "Request", JsonSerializer.Serialize(request, action.RequestTypeInfo));

        var response = respond();
        lock (_lock)
        {
            _received.Add(new Received(context.StationId, action.Name, request, _connections));
        }

        return ValueTask.FromResult(response);
    }

    /// <summary>Checks what the station sent against the official schema named <paramref name="schemaName"/>; a break is kept in <see cref="SchemaErrors"/>.</summary>
    private void Check(string schemaName, string json)
    {
        var schema = Schemas.GetOrAdd(schemaName, name => JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(SchemaFolder, name + ".json")))).GetAwaiter().GetResult();
        var errors = schema.Validate(json);
        if (errors.Count > 0)
        {
            SchemaErrors.Enqueue($"{schemaName}: {string.Join("; ", errors)} in {json}");
        }
    }

    private static string SchemaFolder { get; } = FindSchemas();

    private static string FindSchemas()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ohm.slnx")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Repository root not found."), "schemas", "ocpp2.0.1");
    }
}
