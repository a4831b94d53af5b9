using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>
/// The queries of the TransactionEvent path when a transaction is not in its session, compiled once. A compiled query belongs to one model, so each
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

    private static class For<TContext>
        where TContext : CsmsDbContext
    {
        public static readonly Func<TContext, string, string, Task<TransactionRecord?>> FindTransaction =
            EF.CompileAsyncQuery((TContext db, string stationId, string transactionId) =>
                db.Transactions.AsNoTracking().FirstOrDefault(t => t.StationId == stationId && t.TransactionId == transactionId));

        public static readonly Func<TContext, long, IAsyncEnumerable<int>> SeqNos =
            EF.CompileAsyncQuery((TContext db, long transaction) =>
                db.TransactionEvents.Where(e => e.TransactionRecordId == transaction).Select(e => e.SeqNo));
    }
}
