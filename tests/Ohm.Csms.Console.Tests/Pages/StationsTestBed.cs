using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Ohm.Csms.Blocks;
using Ohm.Csms.Events;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Ocpp;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>What the stations' components need in bUnit: a migrated SQLite database, the real queries and blocks, and a scripted station router.</summary>
internal sealed class StationsTestBed : IAsyncDisposable
{
    private readonly string _folder;

    private StationsTestBed(string folder, CsmsDatabase database)
    {
        _folder = folder;
        Database = database;
        Writer = new CsmsWriter(database, NullLogger<CsmsWriter>.Instance);
    }

    public CsmsDatabase Database { get; }

    public CsmsWriter Writer { get; }

    public ScriptedRouter Router { get; } = new();

    public StationSessions Sessions { get; } = new();

    public InProcessFleetChanges Changes { get; } = new();

    public static async Task<StationsTestBed> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "ohm-console-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var database = CsmsDatabase.InDataFolder(folder);
        await database.MigrateAsync();
        return new StationsTestBed(folder, database);
    }

    /// <summary>Registers what the components inject.</summary>
    public void AddTo(BunitContext context)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(TimeProvider.System);
        context.Services.AddSingleton<IFleetChanges>(Changes);
        context.Services.AddSingleton(new StationQueries(Database, Sessions));
        context.Services.AddSingleton(new Console.Components.Commands.CommandTimeout(7));
        context.Services.AddSingleton(new Provisioning(Writer, Database, Router, new CsmsOptions(), TimeProvider.System, NullLogger<Provisioning>.Instance));
        context.Services.AddSingleton(new RemoteControl(Router, Sessions));
        context.Services.AddSingleton(new Availability(Writer, Router, TimeProvider.System));
    }

    /// <summary>Renders as the interactive server circuit does (after services are added: it reads them).</summary>
    public static void Interactive(BunitContext context) =>
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    public async ValueTask DisposeAsync()
    {
        await Writer.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A station router whose answer each test scripts: a response, or an exception (CALLERROR, timeout, not connected).</summary>
internal sealed class ScriptedRouter : IStationCallRouter
{
    public Func<IOcppRequest, object> Answer { get; set; } = r => throw new StationNotConnectedException("none");

    public List<IOcppRequest> Sent { get; } = [];

    public bool IsConnected(string stationId) => true;

    public Task<TResponse> CallAsync<TResponse>(string stationId, IOcppRequest<TResponse> request, CancellationToken cancellationToken = default)
        where TResponse : class, IOcppResponse
    {
        Sent.Add(request);
        try
        {
            return Task.FromResult((TResponse)Answer(request));
        }
        catch (Exception ex)
        {
            return Task.FromException<TResponse>(ex);
        }
    }

    public Task<byte[]> CallRawAsync(string stationId, OcppAction action, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<bool> DisconnectAsync(string stationId, string reason, CancellationToken cancellationToken = default) => Task.FromResult(false);
}
