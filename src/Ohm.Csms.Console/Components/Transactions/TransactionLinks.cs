using System.Globalization;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Transactions;

/// <summary>The console's addresses of a transaction and of the transactions export.</summary>
public static class TransactionLinks
{
    /// <summary>A transaction's detail page (its id is unique per station only, so the station goes with it).</summary>
    public static string Detail(string stationId, string transactionId) =>
        $"transactions/{Uri.EscapeDataString(transactionId)}?station={Uri.EscapeDataString(stationId)}";

    /// <summary>The CSV of every transaction the filter matches, in the order asked for.</summary>
    public static string Export(TransactionFilter filter, string sort, bool descending)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (value is { Length: > 0 })
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("station", filter.StationId);
        Add("state", filter.State);
        Add("from", filter.From?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add("to", filter.To?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        Add("token", filter.IdToken);
        Add("sort", sort);
        Add("desc", descending ? "true" : "false");
        return ConsoleExports.TransactionsPath.TrimStart('/') + "?" + string.Join('&', query);
    }
}
