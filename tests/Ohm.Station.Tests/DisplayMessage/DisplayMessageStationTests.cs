using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.DisplayMessages;

/// <summary>Block O on a whole Ohm.Station over loopback, its clock a <see cref="FakeClock"/>: the display follows the station's ticks.</summary>
public sealed class DisplayMessageStationTests
{
    private static SetDisplayMessageRequest Set(int id, string text, MessagePriorityEnumType priority, DateTimeOffset? start = null, DateTimeOffset? end = null, string? transactionId = null) => new()
    {
        Message = new MessageInfoType
        {
            Id = id,
            Priority = priority,
            StartDateTime = start,
            EndDateTime = end,
            TransactionId = transactionId,
            Message = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text },
        },
    };

    [Fact]
    public async Task O01_Acceptance_on_a_running_station_an_AlwaysFront_message_replaces_the_NormalCycle_one_only_during_its_time_window()
    {
        await using var h = await StationHarness.StartAsync();
        var clock = FakeClock.Create();
        var options = h.Options("CS-O-WIN");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-O-WIN", options: options);
        var t0 = clock.GetUtcNow();
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-O-WIN", Set(1, "Welcome", MessagePriorityEnumType.NormalCycle))).Status);
        var front = Set(2, "Closed for maintenance", MessagePriorityEnumType.AlwaysFront, t0 + TimeSpan.FromMinutes(1), t0 + TimeSpan.FromMinutes(2));
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-O-WIN", front)).Status);
        string? Shown() => station.Simulator!.ShowingMessage(1)?.Content;
        Assert.Equal("Welcome", Shown());

        var on = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Shown() == "Closed for maintenance", TimeSpan.FromMinutes(5), "the AlwaysFront message");
        Assert.InRange(on, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(2));
        var off = await clock.AdvanceUntil(TimeSpan.FromSeconds(1), () => Shown() == "Welcome", TimeSpan.FromMinutes(5), "the NormalCycle message again");
        Assert.InRange(on + off, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(2));
        Assert.Equal([1], station.DisplayMessage.Messages().Select(m => m.Id));
    }

    [Fact]
    public async Task O02_a_message_for_the_running_transaction_is_shown_at_its_EVSE_and_removed_when_the_transaction_ends()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-O-TX");
        await Drive.Do(station, "plug", evse: 2);
        await Drive.Do(station, "auth", evse: 2);
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var tx = started.TransactionInfo.TransactionId;

        Assert.Equal(DisplayMessageStatusEnumType.UnknownTransaction, (await h.Csms.Call("CS-O-TX", Set(1, "x", MessagePriorityEnumType.InFront, transactionId: "TX-NOT-RUNNING"))).Status);
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, (await h.Csms.Call("CS-O-TX", Set(2, "Charging with green power", MessagePriorityEnumType.InFront, transactionId: tx))).Status);
        Assert.Equal("Charging with green power", station.Simulator!.ShowingMessage(2)?.Content);
        Assert.Null(station.Simulator.ShowingMessage(1));

        await Drive.Do(station, "unplug", evse: 2);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);

        Assert.Empty(station.DisplayMessage.Messages());
        Assert.Null(station.Simulator.ShowingMessage(2));
        var cleared = await h.Csms.Call("CS-O-TX", new ClearDisplayMessageRequest { Id = 2 });
        Assert.Equal(ClearMessageStatusEnumType.Unknown, cleared.Status);
    }
}
