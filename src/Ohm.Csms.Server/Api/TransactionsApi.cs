using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Ohm.Csms.Queries;
using Ohm.Csms.Storage;

namespace Ohm.Csms.Server.Api;

/// <summary>Transactions: filtered lists, and each one with its events, meter values, seqNo gaps and late events (read by <see cref="TransactionQueries"/>).</summary>
internal static class TransactionsApi
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/transactions", ListAsync).WithTags("Transactions").WithName("listTransactions")
            .WithSummary("Transactions by start time, newest first; filtered by station, state (Active, Ended), start time and remoteStartId");
        api.MapGet("/stations/{stationId}/transactions", ListOfStationAsync).WithTags("Transactions").WithName("listStationTransactions")
            .WithSummary("The station's transactions by start time, newest first; filtered by state, start time and remoteStartId")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/stations/{stationId}/transactions/{transactionId}", GetAsync).WithTags("Transactions").WithName("getTransaction")
            .WithSummary("One transaction with its events, meter values, gaps and late events")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<Page<TransactionView>>, ValidationProblem>> ListAsync(
        TransactionQueries queries, string? stationId, [Description("Active or Ended")] string? state,
        [Description("started at or after (RFC 3339)")] DateTimeOffset? from, [Description("started before (RFC 3339)")] DateTimeOffset? to, int? remoteStartId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        var (page, problem) = await PageAsync(queries, new TransactionFilter(stationId, state, from, to, remoteStartId), cursor, limit, ct).ConfigureAwait(false);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    private static async Task<Results<Ok<Page<TransactionView>>, ValidationProblem, ProblemHttpResult>> ListOfStationAsync(
        string stationId, CsmsDatabase database, TransactionQueries queries, [Description("Active or Ended")] string? state,
        [Description("started at or after (RFC 3339)")] DateTimeOffset? from, [Description("started before (RFC 3339)")] DateTimeOffset? to, int? remoteStartId,
        [Description(Paging.CursorHelp)] string? cursor, [Description(Paging.LimitHelp), Range(1, Paging.MaxLimit)] int? limit, CancellationToken ct)
    {
        if (!await ApiResults.IsRegisteredAsync(database, stationId, ct).ConfigureAwait(false))
        {
            return ApiResults.StationNotFound(stationId);
        }

        var (page, problem) = await PageAsync(queries, new TransactionFilter(stationId, state, from, to, remoteStartId), cursor, limit, ct).ConfigureAwait(false);
        return page is null ? problem! : TypedResults.Ok(page);
    }

    private static async Task<(Page<TransactionView>? Page, ValidationProblem? Problem)> PageAsync(
        TransactionQueries queries, TransactionFilter filter, string? cursor, int? limit, CancellationToken ct)
    {
        if (filter.State is { } state && !TransactionQueries.IsState(state))
        {
            return (null, ApiResults.Invalid("state", "must be Active or Ended"));
        }

        if (!Paging.TryLimit(limit, out var take, out var problem) || !Paging.TryKey(cursor, out var key, out problem))
        {
            return (null, problem);
        }

        var page = await queries.ListAsync(filter, take, key, ct).ConfigureAwait(false);
        return page is null
            ? (null, Paging.BadCursor())
            : (new Page<TransactionView>(page.Items, page.Total, page.Next is { } next ? Paging.Cursor(next) : null), null);
    }

    private static async Task<Results<Ok<TransactionDetail>, ProblemHttpResult>> GetAsync(string stationId, string transactionId, TransactionQueries queries, CancellationToken ct)
    {
        var detail = await queries.GetAsync(stationId, transactionId, ct).ConfigureAwait(false);
        return detail is null ? ApiResults.NotFound($"Station '{stationId}' has no transaction '{transactionId}'.") : TypedResults.Ok(detail);
    }
}
