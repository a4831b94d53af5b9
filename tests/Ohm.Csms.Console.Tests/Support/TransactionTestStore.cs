using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using Ohm.Csms.Accounts;
using Ohm.Csms.Blocks;
using Ohm.Csms.Events;
using Ohm.Csms.Queries;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Support;

/// <summary>
/// A migrated SQLite database in a temporary folder with the services the transaction and token pages use (the real
/// <see cref="TransactionQueries"/> and <see cref="IdTokenStore"/>), and a bUnit context that has them.
/// </summary>
public sealed class TransactionTestStore : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly string _folder;
    private readonly BackgroundWork _background = new(NullLogger<BackgroundWork>.Instance);

    private TransactionTestStore(string folder, CsmsDatabase database)
    {
        _folder = folder;
        Database = database;
        Writer = new CsmsWriter(database, NullLogger<CsmsWriter>.Instance);
        var sessions = new StationSessions();
        var lists = new LocalAuthList(Writer, database, sessions, Clock, NullLogger<LocalAuthList>.Instance);
        Queries = new TransactionQueries(database);
        Tokens = new IdTokenStore(database, Writer, new LocalListDriver(lists, sessions, _background), Clock);
    }

    public CsmsDatabase Database { get; }

    public CsmsWriter Writer { get; }

    public FakeTimeProvider Clock { get; } = new(T0);

    public InProcessFleetChanges Changes { get; } = new();

    public TransactionQueries Queries { get; }

    public IdTokenStore Tokens { get; }

    public static async Task<TransactionTestStore> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("ohm-console-unit-").FullName;
        var database = CsmsDatabase.InDataFolder(folder);
        await database.MigrateAsync();
        return new TransactionTestStore(folder, database);
    }

    /// <summary>A bUnit context with MudBlazor, these services and a user of <paramref name="role"/>.</summary>
    public BunitContext Context(OperatorRole role = OperatorRole.Operator)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton(Queries).AddSingleton(Tokens).AddSingleton<IFleetChanges>(Changes).AddSingleton<TimeProvider>(Clock);
        context.AddAuthorization().SetAuthorized("tester").SetRoles(role.ToString());
        return context;
    }

    /// <summary>Stores a transaction and its events (seqNo, event type, minutes after T0, meter values document or null).</summary>
    public Task AddAsync(TransactionRecord transaction, params (int SeqNo, string Type, int Minute, string? MeterValues, bool Offline)[] events) =>
        Writer.ExecuteAsync(async db =>
        {
            db.Transactions.Add(transaction);
            await db.SaveChangesAsync();
            foreach (var (seqNo, type, minute, meterValues, offline) in events)
            {
                db.TransactionEvents.Add(new TransactionEventRecord
                {
                    TransactionRecordId = transaction.Id, StationId = transaction.StationId, TransactionId = transaction.TransactionId, SeqNo = seqNo, EventType = type,
                    TriggerReason = "MeterValuePeriodic", Timestamp = T0.AddMinutes(minute), ReceivedAt = T0.AddMinutes(offline ? minute + 30 : minute), Offline = offline,
                    MeterValues = meterValues,
                });
            }
        });

    public static TransactionRecord Transaction(string stationId, string transactionId, string state = "Active", int startMinute = 0, string? idToken = "TOKEN-1") => new()
    {
        StationId = stationId, TransactionId = transactionId, State = state, EvseId = 1, ConnectorId = 1, IdToken = idToken, IdTokenType = "ISO14443",
        StartedAt = T0.AddMinutes(startMinute), StartedReceived = true, EndedAt = state == "Ended" ? T0.AddMinutes(startMinute + 60) : null,
        StoppedReason = state == "Ended" ? "EVDisconnected" : null, MeterStartWh = 0, MeterLastWh = 1500, UpdatedAt = T0,
    };

    public async ValueTask DisposeAsync()
    {
        await _background.DisposeAsync();
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
