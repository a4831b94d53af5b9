using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Api;

/// <summary>The lists of one station's records (connections, log requests, firmware updates...), newest first by id.</summary>
internal static class StationPages
{
    /// <summary>
    /// A page of <paramref name="rowsOf"/> (the station's rows) ordered by <paramref name="id"/> descending after the
    /// cursor: 400 naming a bad cursor or limit, 404 for an unknown station. <paramref name="views"/> turns the rows read
    /// into what the API answers, one view per row in their order (so it can read their details in one query).
    /// </summary>
    public static async Task<Results<Ok<Page<TView>>, ValidationProblem, ProblemHttpResult>> ReadAsync<TRow, TView>(
        CsmsDatabase database, string stationId, string? cursor, int? limit, Func<CsmsDbContext, IQueryable<TRow>> rowsOf,
        Expression<Func<TRow, long>> id, Func<CsmsDbContext, List<TRow>, CancellationToken, Task<List<TView>>> views, CancellationToken ct)
        where TRow : class
    {
        if (!Paging.TryLimit(limit, out var take, out var bad) || !Paging.TryIdKey(cursor, out var before, out bad))
        {
            return bad!;
        }

        await using var db = database.CreateContext();
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var query = rowsOf(db).AsNoTracking();
        var total = await query.CountAsync(ct).ConfigureAwait(false);
        if (before is { } b)
        {
            query = query.Where(Expression.Lambda<Func<TRow, bool>>(Expression.LessThan(id.Body, Expression.Constant(b)), id.Parameters));
        }

        var rows = await query.OrderByDescending(id).Take(take + 1).ToListAsync(ct).ConfigureAwait(false);
        var shown = await views(db, rows, ct).ConfigureAwait(false);
        var key = id.Compile();
        return TypedResults.Ok(new Page<TView>([.. shown.Take(take)], total, rows.Count > take ? Paging.Cursor(Paging.Key(key(rows[take - 1]))) : null));
    }
}
