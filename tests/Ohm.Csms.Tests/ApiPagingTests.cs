using System.Text.Json;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>Every list is a page of {items, total, next} in a stable order, on both databases, without a silent cap.</summary>
public sealed class ApiPagingTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>Every page of <paramref name="path"/>, following next.</summary>
    private static async Task<List<JsonElement>> PagesAsync(CsmsTestHost csms, string path, int limit)
    {
        var pages = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await csms.GetJsonAsync($"{path}{separator}limit={limit}" + (cursor is null ? "" : $"&cursor={cursor}"));
            pages.Add(page);
            cursor = page.GetProperty("next").GetString();
        }
        while (cursor is not null && pages.Count < 100);

        return pages;
    }

    private static List<string> Ids(IEnumerable<JsonElement> pages, string property) =>
        pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty(property).GetString()!).ToList();

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Stations_are_listed_in_natural_order_of_identity_with_the_total_on_every_page(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        string[] natural = ["A9", "A10", "CS01", "CS1", "CS2", "CS9", "CS10", "CS10-2", "CS10-10", "CS100", "cs3"];
        foreach (var id in natural.Reverse())
        {
            await csms.RegisterAsync(id);
        }

        var pages = await PagesAsync(csms, "api/stations", 3);
        Assert.Equal(natural, Ids(pages, "id"));
        Assert.Equal(4, pages.Count);
        Assert.All(pages, p => Assert.Equal(natural.Length, p.GetProperty("total").GetInt32()));
        Assert.Equal(natural, Ids([await csms.GetJsonAsync("api/stations")], "id"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_cursor_past_the_end_gives_an_empty_page_with_the_total(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        foreach (var id in new[] { "CS1", "CS2", "CS3", "CS4" })
        {
            await csms.RegisterAsync(id);
        }

        var first = await csms.GetJsonAsync("api/stations?limit=2");
        Assert.Equal(["CS1", "CS2"], Ids([first], "id"));
        (await csms.Api.DeleteAsync("api/stations/CS3")).EnsureSuccessStatusCode();
        (await csms.Api.DeleteAsync("api/stations/CS4")).EnsureSuccessStatusCode();

        var past = await csms.GetJsonAsync($"api/stations?limit=2&cursor={first.GetProperty("next").GetString()}");
        Assert.Empty(past.GetProperty("items").EnumerateArray());
        Assert.Equal(2, past.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, past.GetProperty("next").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Transactions_are_listed_by_start_time_newest_first_then_id_across_pages(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        await csms.RegisterAsync("CS-TXP");
        var t0 = new DateTimeOffset(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
        var starts = new (string Id, DateTimeOffset? At)[]
        {
            ("tx-c", t0.AddMinutes(2)), ("tx-a", t0), ("tx-never", null), ("tx-e", t0.AddMinutes(4)), ("tx-b1", t0.AddMinutes(1)), ("tx-b2", t0.AddMinutes(1)), ("tx-d", t0.AddMinutes(3)),
        };
        await using (var context = csms.Database.CreateContext())
        {
            foreach (var (id, at) in starts)
            {
                context.Transactions.Add(new TransactionRecord { StationId = "CS-TXP", TransactionId = id, StartedAt = at, UpdatedAt = t0 });
                await context.SaveChangesAsync(); // one at a time: the ids grow in this order
            }
        }

        string[] expected = ["tx-e", "tx-d", "tx-c", "tx-b2", "tx-b1", "tx-a", "tx-never"];
        var pages = await PagesAsync(csms, "api/transactions?stationId=CS-TXP", 2);
        Assert.Equal(expected, Ids(pages, "transactionId"));
        Assert.All(pages, p => Assert.Equal(7, p.GetProperty("total").GetInt32()));
        Assert.Equal(expected, Ids(await PagesAsync(csms, "api/stations/CS-TXP/transactions", 3), "transactionId"));

        var filtered = await csms.GetJsonAsync("api/transactions?stationId=CS-TXP&from=2025-06-01T10:01:00Z&to=2025-06-01T10:03:00Z&limit=1");
        Assert.Equal(3, filtered.GetProperty("total").GetInt32());
        Assert.Equal(["tx-c"], Ids([filtered], "transactionId"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Id_tokens_are_listed_past_1000_in_the_order_they_were_added(string db)
    {
        await using var csms = await CsmsTestHost.StartAsync(db);
        var now = DateTimeOffset.UtcNow;
        await using (var context = csms.Database.CreateContext())
        {
            for (var i = 0; i < 1203; i++)
            {
                context.IdTokens.Add(new IdTokenRecord { IdToken = $"T{i:D4}", Type = Ocpp.Messages.IdTokenEnumType.Central, CreatedAt = now, UpdatedAt = now });
            }

            await context.SaveChangesAsync();
        }

        var pages = await PagesAsync(csms, "api/id-tokens", 500);
        Assert.Equal(3, pages.Count);
        Assert.Equal(Enumerable.Range(0, 1203).Select(i => $"T{i:D4}"), Ids(pages, "idToken"));
        Assert.Equal(1203, pages[2].GetProperty("total").GetInt32());
        Assert.Equal(Ohm.Csms.Server.Api.Paging.DefaultLimit, (await csms.GetJsonAsync("api/id-tokens")).GetProperty("items").GetArrayLength());
    }
}
