using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Storage;

/// <summary>
/// The queries of the TransactionEvent hot path, compiled once. A compiled query belongs to one model, so each
/// provider's context type gets its own copy.
/// </summary>
internal static class CompiledQueries
{
    public static Task<TransactionRecord?> FindTransaction(CsmsDbContext db, string stationId, string transactionId) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.FindTransaction(sqlite, stationId, transactionId),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.FindTransaction(postgres, stationId, transactionId),
        _ => db.Transactions.FirstOrDefaultAsync(t => t.StationId == stationId && t.TransactionId == transactionId),
    };

    public static Task<bool> HasEvent(CsmsDbContext db, long transaction, int seqNo) => db switch
    {
        SqliteCsmsDbContext sqlite => For<SqliteCsmsDbContext>.HasEvent(sqlite, transaction, seqNo),
        PostgresCsmsDbContext postgres => For<PostgresCsmsDbContext>.HasEvent(postgres, transaction, seqNo),
        _ => db.TransactionEvents.AnyAsync(e => e.TransactionRecordId == transaction && e.SeqNo == seqNo),
    };

    private static class For<TContext>
        where TContext : CsmsDbContext
    {
        public static readonly Func<TContext, string, string, Task<TransactionRecord?>> FindTransaction =
            EF.CompileAsyncQuery((TContext db, string stationId, string transactionId) =>
                db.Transactions.FirstOrDefault(t => t.StationId == stationId && t.TransactionId == transactionId));

        public static readonly Func<TContext, long, int, Task<bool>> HasEvent =
            EF.CompileAsyncQuery((TContext db, long transaction, int seqNo) =>
                db.TransactionEvents.Any(e => e.TransactionRecordId == transaction && e.SeqNo == seqNo));
    }
}
