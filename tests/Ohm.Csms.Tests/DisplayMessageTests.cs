using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>
/// Block O end to end on the CSMS: the display-messages API, a real CSMS and a raw Ohm.Ocpp station over loopback
/// WebSockets that holds display messages and reports them in parts.
/// </summary>
public sealed class DisplayMessageTests
{
    public static TheoryData<string> Databases() => TestDatabases.All();

    /// <summary>The station's side: the messages it holds, what it was sent, and its answers.</summary>
    private sealed class FakeDisplay
    {
        public Dictionary<int, MessageInfoType> Held { get; } = [];

        public List<SetDisplayMessageRequest> Set { get; } = [];

        public List<GetDisplayMessagesRequest> Asked { get; } = [];

        public List<int> Cleared { get; } = [];

        /// <summary>What SetDisplayMessage answers (Accepted keeps the message).</summary>
        public DisplayMessageStatusEnumType Answer { get; set; } = DisplayMessageStatusEnumType.Accepted;

        /// <summary>How many messages go in one NotifyDisplayMessages part.</summary>
        public int PerPart { get; set; } = 1;

        /// <summary>Whether the station answers GetDisplayMessages Accepted and then sends no report.</summary>
        public bool Silent { get; set; }

        public OcppConnection? Connection { get; set; }

        public OcppHandlers Handlers() => new OcppHandlers()
            .On(OcppActions.SetDisplayMessage, (request, _, _) =>
            {
                lock (this)
                {
                    Set.Add(request);
                    if (Answer == DisplayMessageStatusEnumType.Accepted)
                    {
                        Held[request.Message.Id] = request.Message;
                    }

                    return ValueTask.FromResult(new SetDisplayMessageResponse { Status = Answer });
                }
            })
            .On(OcppActions.ClearDisplayMessage, (request, _, _) =>
            {
                lock (this)
                {
                    Cleared.Add(request.Id);
                    return ValueTask.FromResult(new ClearDisplayMessageResponse { Status = Held.Remove(request.Id) ? ClearMessageStatusEnumType.Accepted : ClearMessageStatusEnumType.Unknown });
                }
            })
            .On(OcppActions.GetDisplayMessages, (request, _, _) =>
            {
                List<MessageInfoType> matching;
                lock (this)
                {
                    Asked.Add(request);
                    matching = [.. Held.Values.Where(m => (request.Id is not { Count: > 0 } ids || ids.Contains(m.Id)) && (request.Priority is not { } p || m.Priority == p)
                        && (request.State is not { } s || m.State == s)).OrderBy(m => m.Id)];
                }

                if (Silent)
                {
                    return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Accepted });
                }

                if (matching.Count == 0)
                {
                    return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Unknown });
                }

                var parts = matching.Chunk(PerPart).ToList();
                _ = Task.Run(async () =>
                {
                    for (var i = 0; i < parts.Count; i++)
                    {
                        await Connection!.CallAsync(new NotifyDisplayMessagesRequest { RequestId = request.RequestId, Tbc = i < parts.Count - 1, MessageInfo = [.. parts[i]] });
                    }
                }, CancellationToken.None);
                return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Accepted });
            });
    }

    private static async Task<(OcppConnection Connection, FakeDisplay Display)> StationAsync(CsmsTestHost csms, string stationId)
    {
        var display = new FakeDisplay();
        display.Connection = await csms.BootedStationAsync(stationId, display.Handlers());
        return (display.Connection, display);
    }

    private static async Task<JsonElement> PostAsync(CsmsTestHost csms, string path, object body, int expected = 200)
    {
        var response = await csms.Api.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<(int Id, string Text, string Source, int? Group)>> StoredAsync(CsmsTestHost csms, string stationId)
    {
        var page = await csms.GetJsonAsync($"api/stations/{stationId}/display-messages");
        return [.. page.GetProperty("items").EnumerateArray().Select(m => (
            m.GetProperty("id").GetInt32(),
            m.GetProperty("message").GetProperty("content").GetString()!,
            m.GetProperty("source").GetString()!,
            m.GetProperty("groupId").ValueKind == JsonValueKind.Null ? (int?)null : m.GetProperty("groupId").GetInt32()))];
    }

    private static MessageInfoType Held(int id, string text, MessagePriorityEnumType priority = MessagePriorityEnumType.NormalCycle) =>
        new() { Id = id, Priority = priority, Message = new MessageContentType { Format = MessageFormatEnumType.UTF8, Content = text } };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O01_a_message_set_through_the_API_reaches_the_station_with_its_priority_state_window_and_format_and_is_stored_when_Accepted(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O1");
        await using var _ = connection;

        var set = await PostAsync(csms, "api/stations/CS-O1/display-messages", new
        {
            id = 4,
            priority = "InFront",
            state = "Idle",
            startDateTime = "2025-06-01T12:00:00Z",
            endDateTime = "2025-06-01T14:00:00Z",
            display = new { name = "Display", evseId = 1 },
            messages = new[] { new { format = "ASCII", language = "en", content = "Free charging today" } },
        });

        Assert.Equal("Accepted", set.GetProperty("status").GetString());
        Assert.Equal(4, set.GetProperty("id").GetInt32());
        var sent = Assert.Single(display.Set).Message;
        Assert.Equal((4, MessagePriorityEnumType.InFront, MessageStateEnumType.Idle, MessageFormatEnumType.ASCII, "en", "Free charging today", 1),
            (sent.Id, sent.Priority, sent.State, sent.Message.Format, sent.Message.Language, sent.Message.Content, sent.Display?.Evse?.Id));
        Assert.Equal(new DateTimeOffset(2025, 6, 1, 14, 0, 0, TimeSpan.Zero), sent.EndDateTime);
        Assert.Null(sent.TransactionId); // O01.FR.04: no transactionId for a message of no transaction
        Assert.Equal([(4, "Free charging today", "Set", (int?)null)], await StoredAsync(csms, "CS-O1"));
        var stored = (await csms.GetJsonAsync("api/stations/CS-O1/display-messages?priority=InFront&state=Idle")).GetProperty("items")[0];
        Assert.Equal("2025-06-01T12:00:00+00:00", stored.GetProperty("startDateTime").GetString());
        Assert.Equal(0, (await csms.GetJsonAsync("api/stations/CS-O1/display-messages?priority=AlwaysFront")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O01_the_stations_refusal_is_the_APIs_answer_and_nothing_is_stored(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O1R");
        await using var _ = connection;

        foreach (var refusal in new[] { DisplayMessageStatusEnumType.NotSupportedMessageFormat, DisplayMessageStatusEnumType.NotSupportedPriority, DisplayMessageStatusEnumType.NotSupportedState, DisplayMessageStatusEnumType.Rejected })
        {
            display.Answer = refusal;
            var set = await PostAsync(csms, "api/stations/CS-O1R/display-messages", new { id = 1, priority = "AlwaysFront", messages = new[] { new { format = "HTML", content = "<b>Hi</b>" } } });
            Assert.Equal(refusal.ToWire(), set.GetProperty("status").GetString());
            Assert.Equal(refusal.ToWire(), set.GetProperty("results")[0].GetProperty("status").GetString());
        }

        Assert.Empty(await StoredAsync(csms, "CS-O1R"));
        var invalid = await csms.Api.PostAsJsonAsync("api/stations/CS-O1R/display-messages", new { priority = "NormalCycle", messages = Array.Empty<object>() });
        Assert.Equal(400, (int)invalid.StatusCode);
        Assert.Equal(404, (int)(await csms.Api.PostAsJsonAsync("api/stations/NOPE/display-messages", new { priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "x" } } })).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O01_a_message_in_several_languages_is_one_message_per_language_and_a_replacement_keeps_their_ids_and_clears_a_dropped_language(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O1L");
        await using var _ = connection;
        await PostAsync(csms, "api/stations/CS-O1L/display-messages", new { id = 3, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Other" } } });

        // No id: the CSMS takes the next one above those the station holds (4), and the next ones for the other languages.
        var set = await PostAsync(csms, "api/stations/CS-O1L/display-messages", new
        {
            priority = "NormalCycle",
            messages = new[] { new { format = "UTF8", language = "en", content = "Welcome" }, new { format = "UTF8", language = "nl", content = "Welkom" } },
        });
        Assert.Equal(4, set.GetProperty("id").GetInt32());
        Assert.Equal(["4 en Welcome", "5 nl Welkom"], display.Set.Skip(1).Select(r => $"{r.Message.Id} {r.Message.Message.Language} {r.Message.Message.Content}"));
        Assert.Equal([(3, "Other", "Set", null), (4, "Welcome", "Set", 4), (5, "Welkom", "Set", 4)], await StoredAsync(csms, "CS-O1L"));

        // O06 for the group: en keeps 4, de is new (6), nl (5) is cleared.
        await PostAsync(csms, "api/stations/CS-O1L/display-messages", new
        {
            id = 4,
            priority = "NormalCycle",
            messages = new[] { new { format = "UTF8", language = "en", content = "Hello" }, new { format = "UTF8", language = "de", content = "Willkommen" } },
        });
        Assert.Equal(["4 en Hello", "6 de Willkommen"], display.Set.Skip(3).Select(r => $"{r.Message.Id} {r.Message.Message.Language} {r.Message.Message.Content}"));
        Assert.Equal([5], display.Cleared);
        Assert.Equal([(3, "Other", "Set", null), (4, "Hello", "Set", 4), (6, "Willkommen", "Set", 4)], await StoredAsync(csms, "CS-O1L"));

        // The first language refused stops the rest.
        display.Answer = DisplayMessageStatusEnumType.NotSupportedPriority;
        var refused = await PostAsync(csms, "api/stations/CS-O1L/display-messages", new
        {
            priority = "AlwaysFront",
            messages = new[] { new { format = "UTF8", language = "en", content = "A" }, new { format = "UTF8", language = "nl", content = "B" } },
        });
        Assert.Equal("NotSupportedPriority", refused.GetProperty("status").GetString());
        Assert.Equal(1, refused.GetProperty("results").GetArrayLength());
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O02_a_message_for_a_transaction_carries_its_transactionId_and_UnknownTransaction_is_answered(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O2");
        await using var _ = connection;

        var set = await PostAsync(csms, "api/stations/CS-O2/display-messages", new { id = 9, priority = "InFront", transactionId = "TX-77", messages = new[] { new { format = "UTF8", content = "Your cost so far: 1.20" } } });
        Assert.Equal("Accepted", set.GetProperty("status").GetString());
        Assert.Equal("TX-77", Assert.Single(display.Set).Message.TransactionId);
        var stored = (await csms.GetJsonAsync("api/stations/CS-O2/display-messages")).GetProperty("items")[0];
        Assert.Equal("TX-77", stored.GetProperty("transactionId").GetString());

        display.Answer = DisplayMessageStatusEnumType.UnknownTransaction;
        var unknown = await PostAsync(csms, "api/stations/CS-O2/display-messages", new { id = 10, priority = "InFront", transactionId = "TX-GONE", messages = new[] { new { format = "UTF8", content = "x" } } });
        Assert.Equal("UnknownTransaction", unknown.GetProperty("status").GetString());
        Assert.Equal([9], (await StoredAsync(csms, "CS-O2")).Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O03_an_unfiltered_report_assembles_its_parts_and_replaces_the_stored_set(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O3");
        await using var _ = connection;
        await PostAsync(csms, "api/stations/CS-O3/display-messages", new { id = 1, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Set earlier" } } });

        // Meanwhile the station lost message 1 and holds 2 and 3, which the CSMS never set.
        display.Held.Clear();
        display.Held[2] = Held(2, "Two");
        display.Held[3] = Held(3, "Three", MessagePriorityEnumType.InFront);
        var report = await PostAsync(csms, "api/stations/CS-O3/display-messages/report", new { requestId = 77 });

        Assert.Equal(77, report.GetProperty("requestId").GetInt32());
        Assert.Equal("Accepted", report.GetProperty("status").GetString());
        Assert.Equal([2, 3], report.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        var asked = Assert.Single(display.Asked);
        Assert.Equal((77, null, null, null), (asked.RequestId, asked.Id, asked.Priority, asked.State));
        Assert.Equal([(2, "Two", "Report", null), (3, "Three", "Report", null)], await StoredAsync(csms, "CS-O3"));

        // Nothing held: Unknown, and the stored set is empty.
        display.Held.Clear();
        var none = await PostAsync(csms, "api/stations/CS-O3/display-messages/report", new { });
        Assert.Equal("Unknown", none.GetProperty("status").GetString());
        Assert.Empty(await StoredAsync(csms, "CS-O3"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O04_a_filtered_report_updates_the_messages_it_names_and_removes_those_of_its_filter_the_station_no_longer_holds(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O4");
        await using var _ = connection;
        display.PerPart = 5;
        await PostAsync(csms, "api/stations/CS-O4/display-messages", new { id = 1, priority = "InFront", messages = new[] { new { format = "UTF8", content = "Front" } } });
        await PostAsync(csms, "api/stations/CS-O4/display-messages", new { id = 2, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Cycle" } } });
        await PostAsync(csms, "api/stations/CS-O4/display-messages", new { id = 3, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Other" } } });
        display.Held[2] = Held(2, "Cycle, changed");
        display.Held.Remove(3);

        var byIds = await PostAsync(csms, "api/stations/CS-O4/display-messages/report", new { ids = new[] { 2, 3 } });
        Assert.Equal([2], byIds.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal([2, 3], display.Asked[^1].Id);
        Assert.Equal([(1, "Front", "Set", null), (2, "Cycle, changed", "Report", null)], await StoredAsync(csms, "CS-O4"));

        display.Held.Remove(1);
        var byPriority = await PostAsync(csms, "api/stations/CS-O4/display-messages/report", new { priority = "InFront" });
        Assert.Equal("Unknown", byPriority.GetProperty("status").GetString());
        Assert.Equal(MessagePriorityEnumType.InFront, display.Asked[^1].Priority);
        Assert.Equal([(2, "Cycle, changed", "Report", null)], await StoredAsync(csms, "CS-O4"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O05_clearing_through_the_API_sends_ClearDisplayMessage_and_removes_the_stored_message_Accepted_or_Unknown(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O5");
        await using var _ = connection;
        await PostAsync(csms, "api/stations/CS-O5/display-messages", new { id = 1, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "One" } } });
        await PostAsync(csms, "api/stations/CS-O5/display-messages", new { id = 2, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Two" } } });
        display.Held.Remove(2);

        var cleared = await csms.Api.DeleteAsync("api/stations/CS-O5/display-messages/1");
        var clearedBody = JsonDocument.Parse(await cleared.Content.ReadAsStringAsync()).RootElement;
        var unknown = JsonDocument.Parse(await (await csms.Api.DeleteAsync("api/stations/CS-O5/display-messages/2")).Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(200, (int)cleared.StatusCode);
        Assert.Equal("Accepted", clearedBody.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal("Unknown", unknown.GetProperty("results")[0].GetProperty("status").GetString());
        Assert.Equal([1, 2], display.Cleared);
        Assert.Empty(await StoredAsync(csms, "CS-O5"));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O06_a_message_set_again_with_its_id_replaces_the_stored_one(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O6");
        await using var _ = connection;
        await PostAsync(csms, "api/stations/CS-O6/display-messages", new { id = 1, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "Old" } } });

        await PostAsync(csms, "api/stations/CS-O6/display-messages", new { id = 1, priority = "AlwaysFront", messages = new[] { new { format = "UTF8", content = "New" } } });

        Assert.Equal([1, 1], display.Set.Select(r => r.Message.Id));
        var stored = Assert.Single((await csms.GetJsonAsync("api/stations/CS-O6/display-messages")).GetProperty("items").EnumerateArray());
        Assert.Equal(("New", "AlwaysFront"), (stored.GetProperty("message").GetProperty("content").GetString(), stored.GetProperty("priority").GetString()));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task O03_a_station_that_is_not_connected_gets_a_503_and_the_stored_list_pages(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var (connection, display) = await StationAsync(csms, "CS-O3P");
        foreach (var id in new[] { 1, 2, 3 })
        {
            await PostAsync(csms, "api/stations/CS-O3P/display-messages", new { id, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "M" + id } } });
        }

        await using var _ = connection;
        await csms.RegisterAsync("CS-OFF");
        Assert.Equal(503, (int)(await csms.Api.PostAsJsonAsync("api/stations/CS-OFF/display-messages/report", new { })).StatusCode);
        Assert.Empty(display.Asked);

        var first = await csms.GetJsonAsync("api/stations/CS-O3P/display-messages?limit=2");
        Assert.Equal(3, first.GetProperty("total").GetInt32());
        var next = first.GetProperty("next").GetString();
        var second = await csms.GetJsonAsync($"api/stations/CS-O3P/display-messages?limit=2&cursor={next}");
        Assert.Equal([3], second.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task O03_a_report_that_does_not_come_in_time_is_a_504_and_arriving_later_it_is_stored_without_removing_anything()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Api:CommandTimeoutSeconds", "1"));
        var (connection, display) = await StationAsync(csms, "CS-O3T");
        await using var _ = connection;
        await PostAsync(csms, "api/stations/CS-O3T/display-messages", new { id = 1, priority = "NormalCycle", messages = new[] { new { format = "UTF8", content = "One" } } });
        display.Silent = true;

        var late = await csms.Api.PostAsJsonAsync("api/stations/CS-O3T/display-messages/report", new { requestId = 12 });
        Assert.Equal(504, (int)late.StatusCode);

        await connection.CallAsync(new NotifyDisplayMessagesRequest { RequestId = 12, MessageInfo = [Held(2, "Two")] });
        Assert.Equal([(1, "One", "Set", null), (2, "Two", "Report", null)], await StoredAsync(csms, "CS-O3T"));
    }
}
