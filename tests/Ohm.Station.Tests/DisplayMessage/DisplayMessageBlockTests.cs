using Ohm.Ocpp.Messages;
using Ohm.Station.Blocks;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;
using DisplayBlock = Ohm.Station.Blocks.DisplayMessage;
using TransactionsBlock = Ohm.Station.Blocks.Transactions;

namespace Ohm.Station.Tests.DisplayMessages;

/// <summary>
/// Block O on the station, with the wire faked and the clock a <see cref="FakeClock"/>: every answer of SetDisplayMessage,
/// the reports, clearing, and what each display shows as the clock moves.
/// </summary>
public sealed class DisplayMessageBlockTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeStationContext _context;
    private readonly TransactionsBlock _transactions;
    private readonly DisplayBlock _display;

    public DisplayMessageBlockTests() : this(null)
    {
    }

    private DisplayMessageBlockTests(DeviceModelConfig? config)
    {
        _context = new FakeStationContext(config);
        var events = new TransactionEvents(_context);
        var cache = new AuthorizationCache(_context);
        var metering = new Metering(_context, events);
        var availability = new Availability(_context, _context);
        _transactions = new TransactionsBlock(_context, _context, events, metering, availability, cache);
        _display = new DisplayBlock(_context, _transactions, availability);
        _display.Load();
    }

    public void Dispose() => _context.Dispose();

    private static MessageInfoType Message(int id, string text, MessagePriorityEnumType priority = MessagePriorityEnumType.NormalCycle, MessageFormatEnumType format = MessageFormatEnumType.UTF8, string? language = null) => new()
    {
        Id = id,
        Priority = priority,
        Message = new MessageContentType { Format = format, Content = text, Language = language },
    };

    private string? OnStation() => _context.Simulator!.ShowingMessage(null)?.Content;

    private string? OnEvse(int evseId) => _context.Simulator!.ShowingMessage(evseId)?.Content;

    private void At(TimeSpan sinceT0)
    {
        _context.Clock.SetUtcNow(T0 + sinceT0);
        _display.Tick(_context.Clock.GetUtcNow());
    }

    [Fact]
    public void O01_a_message_is_Accepted_kept_counted_in_DisplayMessages_and_shown_on_every_display()
    {
        var response = _display.Set(Message(1, "Welcome"));

        Assert.Equal(DisplayMessageStatusEnumType.Accepted, response.Status);
        Assert.Equal("Welcome", OnStation());
        Assert.Equal("Welcome", OnEvse(1));
        Assert.Equal("Welcome", OnEvse(2));
        Assert.Equal("1", _context.Model.Value("DisplayMessageCtrlr", "DisplayMessages"));
        Assert.Equal([1], _display.Messages().Select(m => m.Id));
    }

    [Fact]
    public void O01_a_format_outside_SupportedFormats_is_NotSupportedMessageFormat_and_nothing_is_kept()
    {
        var response = _display.Set(Message(1, "<b>Hi</b>", format: MessageFormatEnumType.HTML));

        Assert.Equal(DisplayMessageStatusEnumType.NotSupportedMessageFormat, response.Status);
        Assert.Empty(_display.Messages());
        Assert.Null(OnStation());
    }

    [Fact]
    public void O01_a_priority_outside_SupportedPriorities_is_NotSupportedPriority()
    {
        using var test = new DisplayMessageBlockTests(StationHarness.Config(c => c.With("DisplayMessageCtrlr", "SupportedPriorities", "NormalCycle")));

        Assert.Equal(DisplayMessageStatusEnumType.NotSupportedPriority, test._display.Set(Message(1, "Now", MessagePriorityEnumType.AlwaysFront)).Status);
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, test._display.Set(Message(2, "Later")).Status);
    }

    [Fact]
    public void O01_a_state_outside_SupportedStates_is_NotSupportedState()
    {
        using var test = new DisplayMessageBlockTests(StationHarness.Config(c => c.With("DisplayMessageCtrlr", "SupportedStates", "Charging,Idle,Unavailable")));
        var faulted = Message(1, "Out of order");
        faulted.State = MessageStateEnumType.Faulted;

        var response = test._display.Set(faulted);

        Assert.Equal(DisplayMessageStatusEnumType.NotSupportedState, response.Status);
        Assert.Equal("UnsupportedState", response.StatusInfo?.ReasonCode);
    }

    [Fact]
    public void O01_a_message_beyond_the_capacity_of_DisplayMessages_is_Rejected_but_one_of_a_held_id_replaces()
    {
        using var test = new DisplayMessageBlockTests(StationHarness.Config(c => c.Components.Single(x => x.Name == "DisplayMessageCtrlr").Variables.Single(v => v.Name == "DisplayMessages").MaxLimit = 2));
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, test._display.Set(Message(1, "One")).Status);
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, test._display.Set(Message(2, "Two")).Status);

        var full = test._display.Set(Message(3, "Three"));

        Assert.Equal(DisplayMessageStatusEnumType.Rejected, full.Status);
        Assert.Equal("Full", full.StatusInfo?.ReasonCode);
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, test._display.Set(Message(2, "Two again")).Status);
        Assert.Equal(["One", "Two again"], test._display.Messages().Select(m => m.Message.Content));
    }

    [Fact]
    public void O01_a_station_whose_DisplayMessageCtrlr_is_disabled_answers_Rejected()
    {
        using var test = new DisplayMessageBlockTests(StationHarness.Config(c => c.With("DisplayMessageCtrlr", "Enabled", "false")));

        Assert.Equal(DisplayMessageStatusEnumType.Rejected, test._display.Set(Message(1, "Hi")).Status);
    }

    [Fact]
    public async Task O02_a_message_for_an_unknown_transaction_is_UnknownTransaction_and_one_for_a_running_transaction_is_shown_at_its_EVSE_until_it_ends()
    {
        var unknown = Message(1, "Your session");
        unknown.TransactionId = "TX-NONE";
        Assert.Equal(DisplayMessageStatusEnumType.UnknownTransaction, _display.Set(unknown).Status);

        var evse = _context.Evses[2];
        evse.Transaction = new TransactionState { Id = "TX-2", StartedAt = T0 };
        var bound = Message(2, "Your session");
        bound.TransactionId = "TX-2";
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, _display.Set(bound).Status);
        Assert.Equal("Your session", OnEvse(2));
        Assert.Null(OnEvse(1));
        Assert.Null(OnStation());

        // O02: the transaction ends, the message goes (the Transactions block's Ended tells the display).
        await _context.EnterAsync();
        try
        {
            _transactions.End(evse, TriggerReasonEnumType.StopAuthorized, ReasonEnumType.Local);
        }
        finally
        {
            _context.Exit();
        }

        Assert.Empty(_display.Messages());
        Assert.Null(OnEvse(2));
        Assert.Equal("0", _context.Model.Value("DisplayMessageCtrlr", "DisplayMessages"));
    }

    [Fact]
    public async Task O03_GetDisplayMessages_without_criteria_is_Accepted_and_every_message_follows_in_NotifyDisplayMessages_parts()
    {
        using var test = new DisplayMessageBlockTests(StationHarness.Config(c => c.With("DeviceDataCtrlr", "ItemsPerMessage", "2", "GetReport")));
        test._context.IsOnline = true;
        test._context.Answer = _ => new NotifyDisplayMessagesResponse();
        foreach (var id in new[] { 5, 1, 3 })
        {
            test._display.Set(Message(id, "M" + id));
        }

        var response = await test._display.GetDisplayMessages(new GetDisplayMessagesRequest { RequestId = 42 }, null!, CancellationToken.None);
        await test._context.Background.WhenIdleAsync();

        Assert.Equal(GetDisplayMessagesStatusEnumType.Accepted, response.Status);
        var parts = test._context.Calls.OfType<NotifyDisplayMessagesRequest>().ToList();
        Assert.Equal([(42, true, "1,3"), (42, false, "5")], parts.Select(p => (p.RequestId, p.Tbc == true, string.Join(",", p.MessageInfo!.Select(m => m.Id)))));
    }

    [Fact]
    public async Task O03_GetDisplayMessages_on_a_station_without_messages_is_Unknown_and_nothing_follows()
    {
        _context.IsOnline = true;
        _context.Answer = _ => new NotifyDisplayMessagesResponse();

        var response = await _display.GetDisplayMessages(new GetDisplayMessagesRequest { RequestId = 1 }, null!, CancellationToken.None);
        await _context.Background.WhenIdleAsync();

        Assert.Equal(GetDisplayMessagesStatusEnumType.Unknown, response.Status);
        Assert.Empty(_context.Calls);
    }

    [Fact]
    public async Task O04_GetDisplayMessages_by_ids_priority_and_state_reports_only_the_messages_that_match_all_of_them_and_Unknown_when_none_does()
    {
        _context.IsOnline = true;
        _context.Answer = _ => new NotifyDisplayMessagesResponse();
        var idle = Message(1, "Idle front", MessagePriorityEnumType.InFront);
        idle.State = MessageStateEnumType.Idle;
        _display.Set(idle);
        _display.Set(Message(2, "Front", MessagePriorityEnumType.InFront));
        _display.Set(Message(3, "Cycle"));

        var byPriority = await _display.GetDisplayMessages(new GetDisplayMessagesRequest { RequestId = 7, Priority = MessagePriorityEnumType.InFront }, null!, CancellationToken.None);
        var byAll = await _display.GetDisplayMessages(new GetDisplayMessagesRequest { RequestId = 8, Id = [1, 3], Priority = MessagePriorityEnumType.InFront, State = MessageStateEnumType.Idle }, null!, CancellationToken.None);
        var none = await _display.GetDisplayMessages(new GetDisplayMessagesRequest { RequestId = 9, Id = [3], Priority = MessagePriorityEnumType.AlwaysFront }, null!, CancellationToken.None);
        await _context.Background.WhenIdleAsync();

        Assert.Equal(GetDisplayMessagesStatusEnumType.Accepted, byPriority.Status);
        Assert.Equal(GetDisplayMessagesStatusEnumType.Accepted, byAll.Status);
        Assert.Equal(GetDisplayMessagesStatusEnumType.Unknown, none.Status);
        var parts = _context.Calls.OfType<NotifyDisplayMessagesRequest>().ToDictionary(p => p.RequestId, p => string.Join(",", p.MessageInfo!.Select(m => m.Id)));
        Assert.Equal(new Dictionary<int, string> { [7] = "1,2", [8] = "1" }, parts);
    }

    [Fact]
    public void O05_ClearDisplayMessage_removes_a_held_message_and_answers_Unknown_for_one_not_held()
    {
        _display.Set(Message(1, "Welcome"));

        Assert.True(_display.Clear(1));
        Assert.False(_display.Clear(1));
        Assert.Empty(_display.Messages());
        Assert.Null(OnStation());
    }

    [Fact]
    public void O06_a_message_with_a_held_id_replaces_it_on_the_display()
    {
        _display.Set(Message(1, "Old text"));

        Assert.Equal(DisplayMessageStatusEnumType.Accepted, _display.Set(Message(1, "New text", MessagePriorityEnumType.InFront)).Status);

        Assert.Equal("New text", OnStation());
        var held = Assert.Single(_display.Messages());
        Assert.Equal(MessagePriorityEnumType.InFront, held.Priority);
    }

    [Fact]
    public void O01_Acceptance_an_AlwaysFront_message_replaces_the_NormalCycle_one_only_during_its_time_window()
    {
        At(TimeSpan.Zero);
        _display.Set(Message(1, "Welcome to Ohm"));
        var front = Message(2, "Maintenance at noon", MessagePriorityEnumType.AlwaysFront);
        front.StartDateTime = T0 + TimeSpan.FromHours(1);
        front.EndDateTime = T0 + TimeSpan.FromHours(2);
        _display.Set(front);

        Assert.Equal("Welcome to Ohm", OnStation());
        At(TimeSpan.FromMinutes(59));
        Assert.Equal("Welcome to Ohm", OnStation());
        At(TimeSpan.FromHours(1));
        Assert.Equal("Maintenance at noon", OnStation());
        Assert.Equal("Maintenance at noon", OnEvse(1));
        At(TimeSpan.FromHours(1.5));
        Assert.Equal("Maintenance at noon", OnStation());
        At(TimeSpan.FromHours(2));
        Assert.Equal("Welcome to Ohm", OnStation());

        // O01: after its endDateTime the message is removed, not only hidden.
        Assert.Equal([1], _display.Messages().Select(m => m.Id));
    }

    [Fact]
    public void O01_NormalCycle_messages_cycle_every_CycleSeconds_and_InFront_ones_beat_them()
    {
        At(TimeSpan.Zero);
        _display.Set(Message(1, "A"));
        _display.Set(Message(2, "B"));
        var seen = new List<string?>();
        for (var i = 0; i < 4; i++)
        {
            At(TimeSpan.FromSeconds(DisplayBlock.CycleSeconds * i));
            seen.Add(OnStation());
        }

        Assert.Equal(["A", "B", "A", "B"], seen);

        _display.Set(Message(3, "Front", MessagePriorityEnumType.InFront));
        At(TimeSpan.FromSeconds(DisplayBlock.CycleSeconds * 5));
        Assert.Equal("Front", OnStation());
        At(TimeSpan.FromSeconds(DisplayBlock.CycleSeconds * 6));
        Assert.Equal("Front", OnStation());
    }

    [Fact]
    public void O01_a_message_with_a_state_is_on_only_while_its_display_is_in_that_state()
    {
        var charging = Message(1, "Charging now", MessagePriorityEnumType.InFront);
        charging.State = MessageStateEnumType.Charging;
        _display.Set(charging);
        _display.Set(Message(2, "Welcome"));
        Assert.Equal("Welcome", OnEvse(1));

        _context.Evses[1].Transaction = new TransactionState { Id = "TX-1", StartedAt = T0 };
        At(TimeSpan.Zero);

        Assert.Equal("Charging now", OnEvse(1));
        Assert.Equal("Welcome", OnEvse(2));
        Assert.Equal("Charging now", OnStation());
    }

    [Fact]
    public void O01_a_Faulted_message_is_on_only_while_its_EVSE_is_faulted_and_on_the_stations_display_when_every_EVSE_is()
    {
        var faulted = Message(1, "Out of order", MessagePriorityEnumType.InFront);
        faulted.State = MessageStateEnumType.Faulted;
        Assert.Equal(DisplayMessageStatusEnumType.Accepted, _display.Set(faulted).Status);
        _display.Set(Message(2, "Welcome"));
        Assert.Equal("Welcome", OnEvse(1));

        _context.Evses[1].Faulted = true;
        At(TimeSpan.Zero);
        Assert.Equal("Out of order", OnEvse(1));
        Assert.Equal("Welcome", OnEvse(2));
        Assert.Equal("Welcome", OnStation());

        _context.Evses[2].Faulted = true;
        At(TimeSpan.Zero);
        Assert.Equal("Out of order", OnStation());

        _context.Evses[1].Faulted = _context.Evses[2].Faulted = false;
        At(TimeSpan.Zero);
        Assert.Equal("Welcome", OnEvse(1));
    }

    [Fact]
    public void O01_of_a_message_in_several_languages_each_display_shows_the_one_in_its_language()
    {
        _display.Set(Message(1, "Welcome", language: "en"));
        _display.Set(Message(2, "Welkom", language: "nl"));
        Assert.Equal("Welcome", OnStation());

        _context.Model.SetInternal(new ComponentKey("DisplayMessageCtrlr"), "Language", "nl-BE");
        At(TimeSpan.Zero);

        Assert.Equal("Welkom", OnStation());
    }

    [Fact]
    public void O01_a_message_for_an_EVSE_display_shows_there_only()
    {
        var atTwo = Message(1, "Use the other cable");
        atTwo.Display = new ComponentType { Name = "Display", Evse = new EVSEType { Id = 2 } };

        Assert.Equal(DisplayMessageStatusEnumType.Accepted, _display.Set(atTwo).Status);
        Assert.Equal("Use the other cable", OnEvse(2));
        Assert.Null(OnEvse(1));
        Assert.Null(OnStation());

        var atNine = Message(2, "Nowhere");
        atNine.Display = new ComponentType { Name = "Display", Evse = new EVSEType { Id = 9 } };
        Assert.Equal(DisplayMessageStatusEnumType.Rejected, _display.Set(atNine).Status);
    }

    [Fact]
    public void O01_the_messages_are_kept_in_the_store_so_a_restarted_block_still_shows_them()
    {
        _display.Set(Message(1, "Welcome"));

        var events = new TransactionEvents(_context);
        var availability = new Availability(_context, _context);
        var transactions = new TransactionsBlock(_context, _context, events, new Metering(_context, events), availability, new AuthorizationCache(_context));
        var again = new DisplayBlock(_context, transactions, availability);
        _context.Simulator!.ShowMessage(null, null);
        again.Load();

        Assert.Equal([1], again.Messages().Select(m => m.Id));
        Assert.Equal("Welcome", OnStation());
    }
}
