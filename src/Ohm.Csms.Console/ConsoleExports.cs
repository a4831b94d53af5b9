using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Accounts;
using Ohm.Csms.Console.Components.Transactions;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console;

/// <summary>The console's downloads: files a page links to, authorized by the console's cookie.</summary>
public static class ConsoleExports
{
    /// <summary>The transactions export; its query takes the list page's filters.</summary>
    public const string TransactionsPath = "/export/transactions.csv";

    /// <summary>Maps the exports (Viewer), answering only on the console's listener.</summary>
    public static void MapConsoleExports(this WebApplication app, Func<HttpContext, bool> onConsoleListener)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(TransactionsPath, TransactionsAsync)
            .RequireAuthorization(new AuthorizeAttribute(OperatorPolicies.Viewer) { AuthenticationSchemes = ConsoleHosting.CookieScheme })
            .AddEndpointFilter(async (context, next) => onConsoleListener(context.HttpContext) ? await next(context).ConfigureAwait(false) : Results.NotFound())
            .ExcludeFromDescription();
    }

    /// <summary>The list page's filters read from a query string (station, state, from, to, token, sort, desc).</summary>
    public static (TransactionFilter Filter, TransactionSort Sort, bool Descending) TransactionQuery(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Text(string name) => query[name].FirstOrDefault() is { Length: > 0 } value ? value : null;
        DateTimeOffset? At(string name) => DateTimeOffset.TryParse(Text(name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        var state = Text("state") is { } s && TransactionQueries.IsState(s) ? s : null;
        var sort = Enum.TryParse<TransactionSort>(Text("sort"), ignoreCase: true, out var parsed) ? parsed : TransactionSort.StartedAt;
        return (new TransactionFilter(Text("station"), state, At("from"), At("to"), IdToken: Text("token")), sort, Text("desc") != "false");
    }

    // Every transaction that matches, all pages, written as it is read.
    private static async Task TransactionsAsync(HttpContext context, TransactionQueries queries)
    {
        var (filter, sort, descending) = TransactionQuery(context.Request.Query);
        var ct = context.RequestAborted;
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"transactions.csv\"";
        var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), 16 * 1024);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(TransactionCsv.Header().AsMemory(), ct).ConfigureAwait(false);
            var rows = 0;
            await foreach (var t in queries.StreamAsync(filter, sort, descending, ct).ConfigureAwait(false))
            {
                await writer.WriteAsync(TransactionCsv.Row(t).AsMemory(), ct).ConfigureAwait(false);
                if (++rows % 500 == 0)
                {
                    await writer.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
    }
}
