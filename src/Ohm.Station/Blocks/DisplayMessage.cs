using System.Globalization;
using System.Text.Json;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Context;
using Ohm.Station.DeviceModel;

namespace Ohm.Station.Blocks;

/// <summary>
/// O: display messages. SetDisplayMessage (O01, O02, O06) keeps a message by id, kept in the store so a restart keeps
/// what the CSMS was told is Accepted; GetDisplayMessages (O03, O04) answers and sends NotifyDisplayMessages parts;
/// ClearDisplayMessage (O05) removes one. DisplayMessageCtrlr: Available, Enabled, DisplayMessages (the count; its maxLimit
/// is the capacity), SupportedFormats, SupportedPriorities, SupportedStates, Language (the displays' language).
/// </summary>
/// <remarks>
/// <para>What each display shows now (<see cref="Showing"/>, put on the hardware through
/// <see cref="Hardware.IStationDisplay.ShowMessage"/> at every tick and every change):</para>
/// <list type="bullet">
/// <item>Displays: the station's and one per EVSE. A message whose display names an EVSE is for that EVSE's display; a
/// transaction's message (O02) for the display of the EVSE that runs it; any other for every display.</item>
/// <item>A message is on only inside its window (startDateTime to endDateTime, each open when left out, by the station's
/// clock) and, when it has a state, only while its display is in that state: Faulted while the hardware reports a fault
/// at the EVSE (the station's display: at every EVSE), else Charging while a transaction runs (the station's display: on
/// any EVSE), Unavailable while the EVSE (the station's display: the station, or every EVSE) is Unavailable, Idle otherwise.</item>
/// <item>Language: when some of the messages that could be on are in the display's language (DisplayMessageCtrlr.Language,
/// matched on the primary tag), those in other languages are left out; a message without a language always counts.</item>
/// <item>Priority: an AlwaysFront message beats every other and does not cycle (the newest set wins); otherwise InFront
/// messages are on, cycled when several; otherwise NormalCycle ones, cycled. A cycle shows each message, by id, for
/// <see cref="CycleSeconds"/> seconds, counted from the Unix epoch so that it depends only on the clock.</item>
/// <item>A message whose endDateTime has passed is removed (O01), and a transaction's message when its transaction ends
/// (O02): checked at every tick and whenever a transaction ends.</item>
/// </list>
/// </remarks>
public sealed class DisplayMessage
{
    /// <summary>The controller component.</summary>
    public const string Component = "DisplayMessageCtrlr";

    /// <summary>How long a cycled message is on before the next, in seconds.</summary>
    public const int CycleSeconds = 10;

    private const string Prefix = "display:";

    private readonly IStationContext _context;
    private readonly Transactions _transactions;
    private readonly Availability _availability;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Stored> _messages = [];
    private readonly Dictionary<int, MessageContentType?> _shown = [];
    private long _lastSeq;

    internal DisplayMessage(IStationContext context, Transactions transactions, Availability availability)
    {
        _context = context;
        _transactions = transactions;
        _availability = availability;
        transactions.Ended += OnTransactionEnded;
    }

    /// <summary>Whether display messages are available and enabled (DisplayMessageCtrlr.Available and Enabled).</summary>
    public bool Enabled => _context.Model.Flag(Component, "Available", false) && _context.Model.Flag(Component, "Enabled", false);

    /// <summary>How many messages the station keeps: the maxLimit of DisplayMessageCtrlr.DisplayMessages.</summary>
    public int Capacity =>
        _context.Model.Find(new ComponentKey(Component), "DisplayMessages")?.MaxLimit is { } max ? (int)Math.Min(max, int.MaxValue) : int.MaxValue;

    /// <summary>The messages the station holds, by id.</summary>
    public IReadOnlyList<MessageInfoType> Messages()
    {
        lock (_lock)
        {
            return [.. _messages.Values.OrderBy(m => m.Info.Id).Select(m => m.Info)];
        }
    }

    /// <summary>The message on now at an EVSE's display, or the station's (null); null when none is.</summary>
    public MessageInfoType? Showing(int? evseId)
    {
        lock (_lock)
        {
            return Pick(evseId, _context.Now);
        }
    }

    /// <summary>Reads the messages from the store (at start), drops those that ended, and shows what is on.</summary>
    internal void Load()
    {
        lock (_lock)
        {
            _messages.Clear();
            _shown.Clear();
            _lastSeq = 0;
            foreach (var json in _context.Store.GetRecords(Prefix).Values)
            {
                if (JsonSerializer.Deserialize<Stored>(json) is { } stored)
                {
                    _messages[stored.Info.Id] = stored;
                    _lastSeq = Math.Max(_lastSeq, stored.Seq);
                }
            }

            Update(_context.Now);
        }
    }

    /// <summary>At every tick of the station: removes what ended and puts on each display what is on now. Call under the gate.</summary>
    internal void Tick(DateTimeOffset now)
    {
        lock (_lock)
        {
            Update(now);
        }
    }

    // O01 Set DisplayMessage, O02 Set DisplayMessage for Transaction, O06 Replace DisplayMessage (the same id).
    internal ValueTask<SetDisplayMessageResponse> SetDisplayMessage(SetDisplayMessageRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Set(request.Message));

    // O03 Get All DisplayMessages, O04 Get Specific DisplayMessages: answered, then the NotifyDisplayMessages parts.
    internal ValueTask<GetDisplayMessagesResponse> GetDisplayMessages(GetDisplayMessagesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        var matching = Matching(request);
        if (matching.Count == 0)
        {
            // Nothing matches (or there is nothing): Unknown, and no NotifyDisplayMessages.
            return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Unknown });
        }

        SendLater(request.RequestId, matching);
        return ValueTask.FromResult(new GetDisplayMessagesResponse { Status = GetDisplayMessagesStatusEnumType.Accepted });
    }

    // O05 Clear a DisplayMessage: Accepted when it was held, Unknown when not.
    internal ValueTask<ClearDisplayMessageResponse> ClearDisplayMessage(ClearDisplayMessageRequest request, OcppCallContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ClearDisplayMessageResponse { Status = Clear(request.Id) ? ClearMessageStatusEnumType.Accepted : ClearMessageStatusEnumType.Unknown });

    /// <summary>O01, O02, O06: checks a message against what the station supports and keeps it (replacing the one of its id).</summary>
    internal SetDisplayMessageResponse Set(MessageInfoType message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!Enabled)
        {
            return Refused(DisplayMessageStatusEnumType.Rejected, "Disabled", "DisplayMessageCtrlr is not available or not enabled.");
        }

        if (!Supports("SupportedPriorities", message.Priority.ToWire()))
        {
            return Refused(DisplayMessageStatusEnumType.NotSupportedPriority, "UnsupportedPriority", $"Priority {message.Priority.ToWire()} is not in DisplayMessageCtrlr.SupportedPriorities.");
        }

        if (!Supports("SupportedFormats", message.Message.Format.ToWire()))
        {
            return Refused(DisplayMessageStatusEnumType.NotSupportedMessageFormat, "UnsupportedFormat", $"Format {message.Message.Format.ToWire()} is not in DisplayMessageCtrlr.SupportedFormats.");
        }

        if (message.State is { } state && !Supports("SupportedStates", state.ToWire()))
        {
            return Refused(DisplayMessageStatusEnumType.NotSupportedState, "UnsupportedState", $"State {state.ToWire()} is not in DisplayMessageCtrlr.SupportedStates.");
        }

        // O02: a transaction's message needs that transaction running here.
        if (message.TransactionId is { } transactionId && _transactions.Find(transactionId) is null)
        {
            return Refused(DisplayMessageStatusEnumType.UnknownTransaction, "UnknownTransaction", $"No transaction {transactionId} runs on this station.");
        }

        if (message.Display?.Evse is { } evse && !_context.Evses.ContainsKey(evse.Id))
        {
            return Refused(DisplayMessageStatusEnumType.Rejected, "UnknownEvse", $"This station has no EVSE {evse.Id} with a display.");
        }

        lock (_lock)
        {
            // O06: the same id replaces; a new one needs room (the maxLimit of DisplayMessages).
            if (!_messages.ContainsKey(message.Id) && _messages.Count >= Capacity)
            {
                return Refused(DisplayMessageStatusEnumType.Rejected, "Full", $"The station holds {_messages.Count} display messages, as many as it can.");
            }

            var stored = new Stored(message, ++_lastSeq);
            _messages[message.Id] = stored;
            _context.Store.SetRecord(Key(message.Id), JsonSerializer.Serialize(stored));
            Update(_context.Now);
        }

        _context.Report($"display message {message.Id} set: {message.Priority.ToWire()} \"{message.Message.Content}\"");
        return new SetDisplayMessageResponse { Status = DisplayMessageStatusEnumType.Accepted };
    }

    /// <summary>O05: removes a message; false when the station does not hold it.</summary>
    internal bool Clear(int id)
    {
        lock (_lock)
        {
            if (!_messages.Remove(id))
            {
                return false;
            }

            _context.Store.DeleteRecord(Key(id));
            Update(_context.Now);
        }

        _context.Report($"display message {id} cleared");
        return true;
    }

    /// <summary>O03, O04: the messages a GetDisplayMessages asks for; every criterion given must hold.</summary>
    internal List<MessageInfoType> Matching(GetDisplayMessagesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_lock)
        {
            return [.. _messages.Values.Select(m => m.Info)
                .Where(m => request.Id is not { Count: > 0 } ids || ids.Contains(m.Id))
                .Where(m => request.Priority is not { } p || m.Priority == p)
                .Where(m => request.State is not { } s || m.State == s)
                .OrderBy(m => m.Id)];
        }
    }

    /// <summary>Splits a report into NotifyDisplayMessages parts (DeviceDataCtrlr ItemsPerMessage and BytesPerMessage of GetReport, as NotifyReport).</summary>
    internal List<List<MessageInfoType>> Parts(List<MessageInfoType> messages) =>
        MessageParts.Split(
            messages,
            OcppJsonContext.Default.MessageInfoType,
            _context.Model.Number("DeviceDataCtrlr", "ItemsPerMessage", 50, "GetReport"),
            _context.Model.Number("DeviceDataCtrlr", "BytesPerMessage", 65000, "GetReport"),
            envelope: 100); // requestId, tbc and the frame around messageInfo

    private void SendLater(int requestId, List<MessageInfoType> matching)
    {
        var parts = Parts(matching);
        _context.Background.Run("NotifyDisplayMessages " + requestId.ToString(CultureInfo.InvariantCulture), async () =>
        {
            try
            {
                for (var i = 0; i < parts.Count; i++)
                {
                    await _context.CallAsync(
                        new NotifyDisplayMessagesRequest { RequestId = requestId, Tbc = i < parts.Count - 1, MessageInfo = parts[i] },
                        _context.Stopping).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is OcppConnectionClosedException or OcppCallTimeoutException or OcppCallErrorException or OperationCanceledException or InvalidOperationException)
            {
                _context.Report("NotifyDisplayMessages failed: " + ex.Message);
            }
        });
    }

    private void OnTransactionEnded()
    {
        lock (_lock)
        {
            Update(_context.Now);
        }
    }

    /// <summary>Removes what ended (O01 endDateTime, O02 the transaction), keeps DisplayMessages up to date, and puts on each display what is on. Under the lock.</summary>
    private void Update(DateTimeOffset now)
    {
        var ended = _messages.Values
            .Where(m => (m.Info.EndDateTime is { } end && end <= now) || (m.Info.TransactionId is { } tx && _transactions.Find(tx) is null))
            .Select(m => m.Info.Id).ToList();
        if (ended.Count > 0)
        {
            _context.Store.WriteRecords(null, ended.Select(id => new KeyValuePair<string, string?>(Key(id), null)));
            foreach (var id in ended)
            {
                _messages.Remove(id);
                _context.Report($"display message {id} removed: it ended");
            }
        }

        var count = _messages.Count.ToString(CultureInfo.InvariantCulture);
        if (_context.Model.Value(Component, "DisplayMessages") != count && _context.Model.Find(new ComponentKey(Component), "DisplayMessages") is not null)
        {
            _context.Model.SetInternal(new ComponentKey(Component), "DisplayMessages", count);
        }

        foreach (var display in new int?[] { null }.Concat(_context.Evses.Keys.Order().Select(id => (int?)id)))
        {
            var content = Pick(display, now)?.Message;
            var key = display ?? 0;
            if (_shown.TryGetValue(key, out var before) && ReferenceEquals(before, content))
            {
                continue;
            }

            _shown[key] = content;
            _context.Hardware.Display.ShowMessage(display, content);
        }
    }

    /// <summary>The message on now at a display, by the rules in the remarks. Under the lock.</summary>
    private MessageInfoType? Pick(int? display, DateTimeOffset now)
    {
        if (!Enabled)
        {
            return null;
        }

        var state = StateOf(display);
        var candidates = _messages.Values
            .Where(m => IsFor(m.Info, display))
            .Where(m => (m.Info.StartDateTime is not { } start || start <= now) && (m.Info.EndDateTime is not { } end || now < end))
            .Where(m => m.Info.State is not { } s || s == state)
            .ToList();
        var language = _context.Model.Value(Component, "Language");
        if (!string.IsNullOrEmpty(language) && candidates.Any(m => SameLanguage(m.Info.Message.Language, language)))
        {
            candidates = [.. candidates.Where(m => m.Info.Message.Language is null || SameLanguage(m.Info.Message.Language, language))];
        }

        if (candidates.Where(m => m.Info.Priority == MessagePriorityEnumType.AlwaysFront).MaxBy(m => m.Seq) is { } front)
        {
            return front.Info;
        }

        var cycle = candidates.Where(m => m.Info.Priority == MessagePriorityEnumType.InFront).ToList();
        if (cycle.Count == 0)
        {
            cycle = [.. candidates.Where(m => m.Info.Priority == MessagePriorityEnumType.NormalCycle)];
        }

        if (cycle.Count == 0)
        {
            return null;
        }

        var slot = (long)Math.Floor((now - DateTimeOffset.UnixEpoch).TotalSeconds / CycleSeconds);
        return cycle.OrderBy(m => m.Info.Id).ElementAt((int)(slot % cycle.Count)).Info;
    }

    private bool IsFor(MessageInfoType message, int? display)
    {
        if (message.TransactionId is { } tx)
        {
            var evse = _transactions.Find(tx);
            return evse is not null && (message.Display?.Evse is not { } target ? display == evse.Id : display == target.Id);
        }

        return message.Display?.Evse is not { } named || display == named.Id;
    }

    /// <summary>The state a display is in: Faulted, Charging, Unavailable or Idle (see the remarks).</summary>
    private MessageStateEnumType StateOf(int? display)
    {
        if (display is { } id)
        {
            if (!_context.Evses.TryGetValue(id, out var evse))
            {
                return MessageStateEnumType.Idle;
            }

            return evse.Faulted ? MessageStateEnumType.Faulted
                : evse.Transaction is not null ? MessageStateEnumType.Charging
                : _availability.StatusOf(evse) == ConnectorStatusEnumType.Unavailable ? MessageStateEnumType.Unavailable
                : MessageStateEnumType.Idle;
        }

        var evses = _context.Evses.Values.ToList();
        return evses.Count > 0 && evses.All(e => e.Faulted) ? MessageStateEnumType.Faulted
            : evses.Any(e => e.Transaction is not null) ? MessageStateEnumType.Charging
            : _availability.StationInoperative || (evses.Count > 0 && evses.All(e => _availability.StatusOf(e) == ConnectorStatusEnumType.Unavailable)) ? MessageStateEnumType.Unavailable
            : MessageStateEnumType.Idle;
    }

    private static bool SameLanguage(string? a, string b) =>
        a is not null && string.Equals(a.Split('-')[0], b.Split('-')[0], StringComparison.OrdinalIgnoreCase);

    private bool Supports(string variable, string value) =>
        (_context.Model.Value(Component, variable) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(value, StringComparer.Ordinal);

    private SetDisplayMessageResponse Refused(DisplayMessageStatusEnumType status, string reasonCode, string additionalInfo)
    {
        _context.Report($"SetDisplayMessage {status.ToWire()}: {additionalInfo}");
        return new SetDisplayMessageResponse { Status = status, StatusInfo = new StatusInfoType { ReasonCode = reasonCode, AdditionalInfo = additionalInfo } };
    }

    private static string Key(int id) => Prefix + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A message as kept: the message, and the order it was set in (the newest AlwaysFront wins).</summary>
    private sealed record Stored(MessageInfoType Info, long Seq);
}
