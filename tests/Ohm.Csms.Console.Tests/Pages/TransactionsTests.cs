using Bunit;
using Ohm.Csms.Console.Components.Transactions;
using Ohm.Csms.Console.Pages;
using Ohm.Csms.Console.Tests.Support;
using Ohm.Csms.Events;
using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Tests.Pages;

/// <summary>The transaction list: server-side filters and paging over the stored transactions, live, and its CSV.</summary>
public sealed class TransactionsTests
{
    [Fact]
    public async Task The_list_shows_the_stored_transactions_newest_first_and_filters_them_by_state_on_the_server()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await store.AddAsync(TransactionTestStore.Transaction("CS-A", "tx-old", "Ended", startMinute: 0));
        await store.AddAsync(TransactionTestStore.Transaction("CS-B", "tx-new", "Active", startMinute: 90));
        await using var ctx = store.Context();

        var cut = ctx.Render<Transactions>();
        cut.WaitForAssertion(() => Assert.Equal(["tx-new", "tx-old"], cut.FindAll("[data-testid=transaction-link]").Select(a => a.TextContent)));
        Assert.Contains("transactions/tx-new?station=CS-B", cut.Find("[data-testid=transaction-link]").GetAttribute("href"), StringComparison.Ordinal);

        var page = await store.Queries.SearchAsync(new TransactionFilter(State: "Ended"), TransactionSort.StartedAt, true, 0, 25, CancellationToken.None);
        Assert.Equal("tx-old", Assert.Single(page.Items).TransactionId);
        var tokenPage = await store.Queries.SearchAsync(new TransactionFilter(IdToken: "OKEN"), TransactionSort.StationId, false, 1, 1, CancellationToken.None);
        Assert.Equal((2, "CS-B"), (tokenPage.Total, Assert.Single(tokenPage.Items).StationId));
    }

    [Fact]
    public async Task A_stored_transaction_change_redraws_the_list_without_a_reload()
    {
        await using var store = await TransactionTestStore.CreateAsync();
        await using var ctx = store.Context();
        var cut = ctx.Render<Transactions>();
        cut.WaitForElement("[data-testid=no-transactions]");

        await store.AddAsync(TransactionTestStore.Transaction("CS-L", "tx-live"));
        cut.WaitForAssertion(() => Assert.True(store.Changes.Count > 0));
        store.Changes.Publish(new FleetChange(FleetChangeKind.Transaction, "CS-L", TransactionTestStore.T0, 1, 1, "Started", "tx-live"));

        // The redraw waits half a second of the page's clock, from when the page took the change: move the clock on until it has.
        for (var step = 0; cut.FindAll("[data-testid=transaction-link]").Count == 0 && step < 100; step++)
        {
            store.Clock.Advance(TimeSpan.FromSeconds(1));
            try
            {
                cut.WaitForElement("[data-testid=transaction-link]", TimeSpan.FromMilliseconds(100));
            }
            catch (Bunit.Extensions.WaitForHelpers.WaitForFailedException)
            {
            }
        }

        Assert.Equal("tx-live", cut.Find("[data-testid=transaction-link]").TextContent);
    }

    [Fact]
    public void The_export_link_carries_the_filters_and_the_CSV_quotes_fields_in_invariant_culture_with_UTC_times()
    {
        var href = TransactionLinks.Export(new TransactionFilter("CS 1", "Ended", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), null, IdToken: "AB"), "StartedAt", true);
        Assert.Equal("export/transactions.csv?station=CS%201&state=Ended&from=2026-03-01T00%3A00%3A00.0000000%2B00%3A00&token=AB&sort=StartedAt&desc=true", href);

        var row = TransactionCsv.Row(new TransactionView(
            "CS,1", "tx \"q\"", "Ended", 1, 2, "TOK", "ISO14443", "Accepted", "Idle", "Local", null, null,
            new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.FromHours(2)), null, true, 3, 4, 1234.5m));
        Assert.Equal("\"CS,1\",\"tx \"\"q\"\"\",Ended,1,2,TOK,ISO14443,Accepted,Idle,Local,,2026-03-01T08:00:00.000Z,,1234.5,4,3\r\n", row);
        Assert.StartsWith("stationId,transactionId,state,", TransactionCsv.Header(), StringComparison.Ordinal);
    }
}
