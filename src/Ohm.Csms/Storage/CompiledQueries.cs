using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Storage;

/// <summary>
/// The queries of the hot paths (a TransactionEvent whose transaction is not in its session, token lookups), compiled
/// once: EF Core would otherwise translate them again and compile a delegate for any computed argument on every call. A compiled query belongs to one model, so each
/// provider's context type gets its own copy.
/// </summary>
internal static class CompiledQueries
{
    public static Task<TransactionRecord?> FindTransaction(CsmsDbContext db, string stationId, string transactionId) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.FindTransaction(sqlite, stationId, transactionId),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.FindTransaction(postgres, stationId, transactionId),
        _ => db.Transactions.AsNoTracking().FirstOrDefaultAsync(t => t.StationId == stationId && t.TransactionId == transactionId),
    };

    public static async Task<HashSet<int>> SeqNos(CsmsDbContext db, long transaction, CancellationToken cancellationToken)
    {
        var seqNos = db switch
        {
            SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.SeqNos(sqlite, transaction),
            PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.SeqNos(postgres, transaction),
            _ => db.TransactionEvents.Where(e => e.TransactionRecordId == transaction).Select(e => e.SeqNo).AsAsyncEnumerable(),
        };
        var set = new HashSet<int>();
        await foreach (var seqNo in seqNos.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            set.Add(seqNo);
        }

        return set;
    }

    public static Task<IdTokenRecord?> FindIdToken(CsmsDbContext db, string idToken, IdTokenEnumType type) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.FindIdToken(sqlite, idToken, type),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.FindIdToken(postgres, idToken, type),
        _ => db.IdTokens.AsNoTracking().FirstOrDefaultAsync(t => t.IdToken == idToken && t.Type == type),
    };

    /// <summary>Whether the token has an active transaction other than <paramref name="exceptTransaction"/> (an answer of ConcurrentTx).</summary>
    public static Task<bool> HasOtherActiveTransaction(CsmsDbContext db, string idToken, string type, long exceptTransaction) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.HasOtherActiveTransaction(sqlite, idToken, type, exceptTransaction),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.HasOtherActiveTransaction(postgres, idToken, type, exceptTransaction),
        _ => db.Transactions.AnyAsync(t => t.IdToken == idToken && t.IdTokenType == type && t.State == "Active" && t.Id != exceptTransaction),
    };

    public static Task<StationRecord?> FindStation(CsmsDbContext db, string stationId) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.FindStation(sqlite, stationId),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.FindStation(postgres, stationId),
        _ => db.Stations.AsNoTracking().FirstOrDefaultAsync(s => s.Id == stationId),
    };

    private static class For<TContext>
        where TContext : CsmsDbContext
    {
        public static readonly Func<TContext, string, string, Task<TransactionRecord?>> FindTransaction =
            EF.CompileAsyncQuery((TContext db, string stationId, string transactionId) =>
                db.Transactions.AsNoTracking().FirstOrDefault(t => t.StationId == stationId && t.TransactionId == transactionId));

        public static readonly Func<TContext, long, IAsyncEnumerable<int>> SeqNos =
            EF.CompileAsyncQuery((TContext db, long transaction) =>
                db.TransactionEvents.Where(e => e.TransactionRecordId == transaction).Select(e => e.SeqNo));

        public static readonly Func<TContext, string, Task<StationRecord?>> FindStation =
            EF.CompileAsyncQuery((TContext db, string stationId) => db.Stations.AsNoTracking().FirstOrDefault(s => s.Id == stationId));

        public static readonly Func<TContext, string, IdTokenEnumType, Task<IdTokenRecord?>> FindIdToken =
            EF.CompileAsyncQuery((TContext db, string idToken, IdTokenEnumType type) =>
                db.IdTokens.AsNoTracking().FirstOrDefault(t => t.IdToken == idToken && t.Type == type));

        public static readonly Func<TContext, string, string, long, Task<bool>> HasOtherActiveTransaction =
            EF.CompileAsyncQuery((TContext db, string idToken, string type, long exceptTransaction) =>
                db.Transactions.Any(t => t.IdToken == idToken && t.IdTokenType == type && t.State == "Active" && t.Id != exceptTransaction));
    }
}
