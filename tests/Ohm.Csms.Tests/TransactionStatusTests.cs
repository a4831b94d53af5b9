using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using static Ohm.Csms.Tests.TransactionTests;

namespace Ohm.Csms.Tests;

/// <summary>E14: the CSMS asks the station itself when a transaction ends with seqNos missing, and records the answer.</summary>
public sealed class TransactionStatusTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task E14_an_Ended_event_with_missing_seqNos_makes_the_CSMS_ask_GetTransactionStatus_and_record_the_answer(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var asked = new List<GetTransactionStatusRequest>();
        var handlers = new OcppHandlers().On(OcppActions.GetTransactionStatus, (request, _, _) =>
        {
            lock (asked)
            {
                asked.Add(request);
            }

            return ValueTask.FromResult(new GetTransactionStatusResponse { MessagesInQueue = true, OngoingIndicator = false });
        });
        await using var station = await csms.BootedStationAsync("CS-E14G", handlers);
        var background = csms.App.Services.GetRequiredService<BackgroundWork>();

        // Without gaps: no question.
        await station.CallAsync(Event("tx-whole", 0, TransactionEventEnumType.Started));
        await station.CallAsync(Event("tx-whole", 1, TransactionEventEnumType.Ended));
        await background.WaitAsync();
        Assert.Empty(asked);
        Assert.Equal(JsonValueKind.Null, (await csms.GetJsonAsync("api/stations/CS-E14G/transactions/tx-whole")).GetProperty("transaction").GetProperty("statusCheck").ValueKind);

        // seqNos 1 and 2 are missing when Ended (3) arrives: the answer comes first, then the CSMS asks.
        await station.CallAsync(Event("tx-gaps", 0, TransactionEventEnumType.Started));
        await station.CallAsync(Event("tx-gaps", 3, TransactionEventEnumType.Ended));
        await background.WaitAsync();

        Assert.Equal("tx-gaps", Assert.Single(asked).TransactionId);
        var check = (await csms.GetJsonAsync("api/stations/CS-E14G/transactions/tx-gaps")).GetProperty("transaction").GetProperty("statusCheck");
        Assert.True(check.GetProperty("messagesInQueue").GetBoolean());
        Assert.False(check.GetProperty("ongoingIndicator").GetBoolean());
        Assert.Equal(JsonValueKind.Null, check.GetProperty("error").ValueKind);
        var listed = await csms.GetJsonAsync("api/transactions?stationId=CS-E14G&state=Ended");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), t => t.GetProperty("transactionId").GetString() == "tx-gaps" && t.GetProperty("statusCheck").GetProperty("messagesInQueue").GetBoolean());

        // The late events that fill the gaps ask nothing more.
        await station.CallAsync(Event("tx-gaps", 1, TransactionEventEnumType.Updated));
        await background.WaitAsync();
        Assert.Single(asked);
    }

    [Fact]
    public async Task E14_an_offline_Ended_event_is_checked_too_and_a_station_that_cannot_answer_is_recorded_not_fatal()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);

        // This station does not implement GetTransactionStatus: it answers NotSupported.
        await using var station = await csms.BootedStationAsync("CS-E14N");
        await station.CallAsync(Event("tx-off", 0, TransactionEventEnumType.Started));
        var ended = Event("tx-off", 1, TransactionEventEnumType.Ended);
        ended.Offline = true;
        await station.CallAsync(ended);
        await csms.App.Services.GetRequiredService<BackgroundWork>().WaitAsync();

        var check = (await csms.GetJsonAsync("api/stations/CS-E14N/transactions/tx-off")).GetProperty("transaction").GetProperty("statusCheck");
        Assert.Equal(JsonValueKind.Null, check.GetProperty("messagesInQueue").ValueKind);
        Assert.Contains("NotSupported", check.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
