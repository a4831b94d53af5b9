using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.CustomerInformation;

/// <summary>N09 and N10 on a whole Ohm.Station over loopback: what it holds about an idToken, reported in parts and cleared.</summary>
public sealed class CustomerInformationStationTests
{
    private static readonly IdTokenType Customer = new() { IdToken = Drive.Token, Type = IdTokenEnumType.ISO14443 };

    private static CustomerInformationRequest Request(int requestId, bool report, bool clear, IdTokenType? idToken = null, string? customerIdentifier = null) =>
        new() { RequestId = requestId, Report = report, Clear = clear, IdToken = idToken, CustomerIdentifier = customerIdentifier };

    /// <summary>Waits for the last part of a request and gives every part of it, by seqNo.</summary>
    private static async Task<List<NotifyCustomerInformationRequest>> PartsAsync(TestCsms csms, string stationId, int requestId)
    {
        await csms.WaitFor<NotifyCustomerInformationRequest>(n => n.RequestId == requestId && n.Tbc != true);
        return [.. csms.Of<NotifyCustomerInformationRequest>(stationId).Where(n => n.RequestId == requestId).OrderBy(n => n.SeqNo)];
    }

    private static async Task HoldTokenInLocalListAsync(StationHarness h, string stationId)
    {
        var sent = await h.Csms.Call(stationId, new SendLocalListRequest
        {
            VersionNumber = 3,
            UpdateType = UpdateEnumType.Full,
            LocalAuthorizationList = [new AuthorizationData { IdToken = Customer, IdTokenInfo = new IdTokenInfoType { Status = AuthorizationStatusEnumType.Accepted } }],
        });
        Assert.Equal(SendLocalListStatusEnumType.Accepted, sent.Status);
    }

    [Fact]
    public async Task N09_the_report_names_the_cache_entry_local_list_entry_and_running_transaction_of_the_idToken_in_parts_of_the_part_size()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N09");
        await HoldTokenInLocalListAsync(h, "CS-N09");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        station.CustomerInformation.PartLength = 40;

        var answer = await h.Csms.Call("CS-N09", Request(91, report: true, clear: false, Customer));

        Assert.Equal(CustomerInformationStatusEnumType.Accepted, answer.Status);
        var parts = await PartsAsync(h.Csms, "CS-N09", 91);
        Assert.True(parts.Count > 2, $"expected the data split in parts of 40 characters, got {parts.Count}");
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.SeqNo));
        Assert.All(parts.SkipLast(1), p => Assert.True(p.Tbc == true && p.Data.Length == 40));
        Assert.True(parts[^1].Tbc != true && parts[^1].Data.Length <= 40);
        Assert.Single(parts.Select(p => p.GeneratedAt).Distinct());
        var data = string.Concat(parts.Select(p => p.Data));
        Assert.StartsWith($"idToken {Drive.Token} (ISO14443)", data, StringComparison.Ordinal);
        Assert.Contains("authorization cache: status Accepted", data, StringComparison.Ordinal);
        Assert.Contains("local authorization list: status Accepted", data, StringComparison.Ordinal);
        Assert.Contains($"transaction {started.TransactionInfo.TransactionId} on EVSE 1", data, StringComparison.Ordinal);
        Assert.DoesNotContain("cleared", data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task N10_clear_removes_the_cache_and_local_list_entries_keeps_the_running_transaction_and_a_later_report_finds_nothing_more()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N10");
        await HoldTokenInLocalListAsync(h, "CS-N10");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        Assert.Single(station.LocalAuthList.Entries());

        var answer = await h.Csms.Call("CS-N10", Request(101, report: false, clear: true, Customer));

        Assert.Equal(CustomerInformationStatusEnumType.Accepted, answer.Status);
        var cleared = string.Concat((await PartsAsync(h.Csms, "CS-N10", 101)).Select(p => p.Data));
        Assert.Contains("cleared: authorization cache entry", cleared, StringComparison.Ordinal);
        Assert.Contains("cleared: local authorization list entry", cleared, StringComparison.Ordinal);
        Assert.Contains("kept: the authorization on EVSE 1 until its transaction ends", cleared, StringComparison.Ordinal);
        Assert.DoesNotContain("status Accepted", cleared, StringComparison.Ordinal); // clear alone reports what went, not what it held
        Assert.Empty(station.LocalAuthList.Entries());
        Assert.NotNull(station.Evses[1].Transaction);

        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(CustomerInformationStatusEnumType.Accepted, (await h.Csms.Call("CS-N10", Request(102, report: true, clear: false, Customer))).Status);
        var after = string.Concat((await PartsAsync(h.Csms, "CS-N10", 102)).Select(p => p.Data));
        Assert.Equal($"idToken {Drive.Token} (ISO14443): no information held.", after);
    }

    [Fact]
    public async Task N09_neither_report_nor_clear_is_Rejected_no_customer_named_is_Invalid_and_neither_sends_a_report()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-N09-BAD");

        var neither = await h.Csms.Call("CS-N09-BAD", Request(1, report: false, clear: false, Customer));
        var nobody = await h.Csms.Call("CS-N09-BAD", Request(2, report: true, clear: true));
        var byIdentifier = await h.Csms.Call("CS-N09-BAD", Request(3, report: true, clear: false, customerIdentifier: "customer-42"));

        Assert.Equal(CustomerInformationStatusEnumType.Rejected, neither.Status);
        Assert.Equal(CustomerInformationStatusEnumType.Invalid, nobody.Status);
        Assert.Equal(CustomerInformationStatusEnumType.Accepted, byIdentifier.Status);
        var parts = await PartsAsync(h.Csms, "CS-N09-BAD", 3);
        Assert.Equal("No information held about customerIdentifier customer-42.", Assert.Single(parts).Data);
        Assert.DoesNotContain(h.Csms.Of<NotifyCustomerInformationRequest>("CS-N09-BAD"), n => n.RequestId is 1 or 2);
    }
}
