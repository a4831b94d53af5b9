using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Storage;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using DisplayBlock = Ohm.Csms.Blocks.DisplayMessage;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block O on the CSMS with the wire faked: how the NotifyDisplayMessages parts are stored as they arrive.</summary>
public sealed class DisplayMessageBlockTests
{
    private const string Station = "CS-O";

    private static DisplayBlock Block(BlockTestBed bed) =>
        new(bed.Writer, bed.Database, bed.Router, new StationMessageStore(bed.Writer, bed.Clock), bed.Clock, bed.Logger<DisplayBlock>());

    private static MessageInfoType Info(int id, string text) =>
        new() { Id = id, Priority = MessagePriorityEnumType.NormalCycle, Message = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text } };

    private static Task<List<int>> StoredAsync(BlockTestBed bed) =>
        bed.ReadAsync(db => db.DisplayMessages.Where(m => m.StationId == Station).OrderBy(m => m.MessageId).Select(m => m.MessageId).ToListAsync());

    [Fact]
    public async Task O03_each_part_is_stored_before_it_is_acknowledged_and_only_the_last_part_removes_what_the_report_no_longer_holds()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync(Station);
        var block = Block(bed);
        bed.Router.Answer<SetDisplayMessageRequest, SetDisplayMessageResponse>(new SetDisplayMessageResponse { Status = DisplayMessageStatusEnumType.Accepted })
            .Answer<GetDisplayMessagesRequest, GetDisplayMessagesResponse>(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Accepted });
        await block.SetAsync(Station, new SetDisplayMessageRequest { Message = Info(9, "Stale") }, CancellationToken.None);

        var report = block.GetAsync(Station, new DisplayBlock.Filter(), 31, CancellationToken.None);
        await bed.HandleAsync(block.NotifyDisplayMessagesAsync, station, new NotifyDisplayMessagesRequest { RequestId = 31, Tbc = true, MessageInfo = [Info(1, "One")] });

        Assert.False(report.IsCompleted);
        Assert.Equal([1, 9], await StoredAsync(bed));
        await bed.HandleAsync(block.NotifyDisplayMessagesAsync, station, new NotifyDisplayMessagesRequest { RequestId = 31, Tbc = false, MessageInfo = [Info(2, "Two")] });

        var done = await report;
        Assert.Equal([1, 2], done.Messages.Select(m => m.Id));
        Assert.Equal([1, 2], await StoredAsync(bed));
    }

    [Fact]
    public async Task O03_a_report_the_CSMS_did_not_ask_for_stores_its_messages_and_removes_nothing()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync(Station);
        var block = Block(bed);
        bed.Router.Answer<SetDisplayMessageRequest, SetDisplayMessageResponse>(new SetDisplayMessageResponse { Status = DisplayMessageStatusEnumType.Accepted });
        await block.SetAsync(Station, new SetDisplayMessageRequest { Message = Info(9, "Kept") }, CancellationToken.None);

        await bed.HandleAsync(block.NotifyDisplayMessagesAsync, station, new NotifyDisplayMessagesRequest { RequestId = 555, MessageInfo = [Info(1, "One")] });

        Assert.Equal([1, 9], await StoredAsync(bed));
    }
}
