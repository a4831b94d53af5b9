using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Support;

/// <summary>
/// What a block's unit test needs, with no server and no network: a migrated SQLite database in a temp folder with its
/// writer, a <see cref="FakeTimeProvider"/>, a <see cref="FakeStationRouter"/> for CSMS-to-station calls, station
/// sessions over <see cref="FakeWebSocket"/>s, the blocks themselves (made on first use from these), and a log recorder
/// that fails the test at dispose on an unexpected Error log or unobserved task exception.
/// <code>
/// await using var bed = await BlockTestBed.CreateAsync();
/// var station = await bed.BootedStationAsync("CS-1");
/// var response = await bed.HandleAsync(bed.Availability.HeartbeatAsync, station, new HeartbeatRequest());
/// </code>
/// </summary>
public sealed class BlockTestBed : IAsyncDisposable
{
    /// <summary>Where the clock starts.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder;
    private readonly ILoggerFactory _loggers;
    private readonly List<OcppConnection> _connections = [];
    private long _lastMessageId;
    private Provisioning? _provisioning;
    private Authorization? _authorization;
    private Transactions? _transactions;
    private BackgroundWork? _background;
    private Metering? _metering;
    private Availability? _availability;
    private RemoteControl? _remoteControl;
    private DataTransfer? _dataTransfer;
    private LocalAuthList? _localAuthList;

    private BlockTestBed(string folder, CsmsDatabase database, LogRecorder logs, ILoggerFactory loggers)
    {
        _folder = folder;
        Database = database;
        Logs = logs;
        _loggers = loggers;
        Writer = new CsmsWriter(database, Logger<CsmsWriter>());
    }

    public CsmsDatabase Database { get; }

    public CsmsWriter Writer { get; }

    /// <summary>The clock of every block; starts at <see cref="T0"/> and moves only when the test advances it.</summary>
    public FakeTimeProvider Clock { get; } = new(T0);

    public FakeStationRouter Router { get; } = new();

    /// <summary>The sessions of the stations opened with <see cref="Station"/>.</summary>
    public StationSessions Sessions { get; } = new();

    /// <summary>The CSMS settings the blocks see; change them before the block's first use.</summary>
    public CsmsOptions Options { get; } = new();

    /// <summary>The blocks' background work (E14's status checks); awaited at dispose.</summary>
    public BackgroundWork Background => _background ??= new BackgroundWork(Logger<BackgroundWork>());

    /// <summary>What the blocks logged.</summary>
    public LogRecorder Logs { get; }

    public Provisioning Provisioning => _provisioning ??= new Provisioning(Writer, Database, Router, Options, Clock, Logger<Provisioning>());

    public Authorization Authorization => _authorization ??= new Authorization(Database, Clock);

    public Transactions Transactions => _transactions ??= new Transactions(Writer, Authorization, Router, Background, Clock, Logger<Transactions>());

    public Metering Metering => _metering ??= new Metering(Writer, Clock);

    public Availability Availability => _availability ??= new Availability(Writer, Router, Clock);

    public RemoteControl RemoteControl => _remoteControl ??= new RemoteControl(Router, Sessions);

    public DataTransfer DataTransfer => _dataTransfer ??= new DataTransfer(Router);

    public LocalAuthList LocalAuthList => _localAuthList ??= new LocalAuthList(Writer, Database, Router, Clock, Logger<LocalAuthList>());

    /// <summary>A fresh, migrated database and everything around it.</summary>
    public static async Task<BlockTestBed> CreateAsync()
    {
        UnobservedTaskExceptions.Watch();
        var folder = Directory.CreateTempSubdirectory("ohm-csms-unit-").FullName;
        var database = CsmsDatabase.InDataFolder(folder);
        await database.MigrateAsync();
        var logs = new LogRecorder();
        var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        return new BlockTestBed(folder, database, logs, loggers);
    }

    public ILogger<T> Logger<T>() => _loggers.CreateLogger<T>();

    /// <summary>Registers a station as the API does, with the given boot policy (Accepted, Pending, Rejected).</summary>
    public Task RegisterStationAsync(string stationId, string bootPolicy = "Accepted") =>
        WriteAsync(db =>
        {
            db.Stations.Add(new StationRecord { Id = stationId, BootPolicy = RegistrationStatusEnumTypeSchema.FromWire(bootPolicy), SecurityProfile = 1, CreatedAt = Clock.GetUtcNow() });
            return Task.CompletedTask;
        });

    /// <summary>
    /// Opens a session for a station connected now, as <c>StationConnections</c> does on a connection, over a fake
    /// socket; the router takes calls to it. <paramref name="registrationStatus"/> is what its last boot was answered.
    /// </summary>
    public StationSession Station(string stationId, string? registrationStatus = "Accepted")
    {
        var connection = new OcppConnection(new FakeWebSocket(), stationId, OcppRole.Csms, new OcppHandlers(), new OcppRpcOptions());
        lock (_connections)
        {
            _connections.Add(connection);
        }

        Router.Connect(stationId);
        return Sessions.Open(connection, registrationStatus, securityProfile: 1, Clock.GetUtcNow());
    }

    /// <summary>A registered, connected, Accepted station.</summary>
    public async Task<StationSession> BootedStationAsync(string stationId)
    {
        await RegisterStationAsync(stationId);
        return Station(stationId);
    }

    /// <summary>The context of a CALL of <paramref name="request"/> from <paramref name="station"/>, its payload as on the wire.</summary>
    public OcppCallContext Context(StationSession station, IOcppRequest request)
    {
        ArgumentNullException.ThrowIfNull(station);
        ArgumentNullException.ThrowIfNull(request);
        var action = request.Action;
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, action.RequestTypeInfo);
        if (action.ValidateRequest(payload) is { } invalid)
        {
            // The connection answers such a CALL with a CALLERROR: its handler never sees it.
            throw new InvalidOperationException($"The test's {action.Name} request breaks its schema: {invalid}");
        }

        var messageId = Interlocked.Increment(ref _lastMessageId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new OcppCallContext(station.Connection, messageId, action, payload);
    }

    /// <summary>
    /// Calls a handler with <paramref name="request"/> as sent by <paramref name="station"/> and checks its response
    /// against the schema, as the connection would before sending it.
    /// </summary>
    public async Task<TResponse> HandleAsync<TRequest, TResponse>(
        Func<TRequest, OcppCallContext, CancellationToken, ValueTask<TResponse>> handler, StationSession station, TRequest request)
        where TRequest : class, IOcppRequest<TResponse>
        where TResponse : class, IOcppResponse
    {
        ArgumentNullException.ThrowIfNull(handler);
        var response = await handler(request, Context(station, request), CancellationToken.None);
        var json = JsonSerializer.SerializeToUtf8Bytes(response, request.Action.ResponseTypeInfo);
        Assert.True(request.Action.ValidateResponse(json) is null, $"The {request.Action.Name} response breaks its schema: {request.Action.ValidateResponse(json)}");
        return response;
    }

    /// <summary>Runs work in the writer, committed when the task completes.</summary>
    public Task WriteAsync(Func<CsmsDbContext, Task> work) => Writer.ExecuteAsync(work);

    /// <summary>Reads from the database on a context of its own.</summary>
    public async Task<T> ReadAsync<T>(Func<CsmsDbContext, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        await using var db = Database.CreateContext();
        return await read(db);
    }

    /// <summary>Stops the writer, drops the database and fails on an unexpected Error log.</summary>
    public async ValueTask DisposeAsync()
    {
        List<OcppConnection> connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        if (_background is not null)
        {
            await _background.DisposeAsync();
        }

        await Writer.DisposeAsync();
        _loggers.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        Logs.AssertClean();
    }
}
