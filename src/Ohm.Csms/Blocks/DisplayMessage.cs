using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block O, Display message, on the CSMS side: SetDisplayMessage (O01, O02, O06), GetDisplayMessages with its
/// NotifyDisplayMessages parts assembled (O03, O04) and ClearDisplayMessage (O05). The CSMS keeps each station's
/// messages (<see cref="DisplayMessageRecord"/>) as the station last told it.
/// </summary>
/// <remarks>
/// <para>What changes the stored set, exactly:</para>
/// <list type="bullet">
/// <item>SetDisplayMessage answered Accepted: the message is stored under its id, replacing the one of that id (O06).
/// Any other answer changes nothing.</item>
/// <item>ClearDisplayMessage answered Accepted or Unknown: the message of that id is removed (Unknown: the station does
/// not hold it, so the CSMS must not either).</item>
/// <item>Each NotifyDisplayMessages part: every message it names is stored (added, or replacing the one of its id),
/// before the part is acknowledged.</item>
/// <item>The last part (tbc false) of a report the CSMS asked for: a report is complete for its filter, so every stored
/// message that matches the filter (all of them for an unfiltered report) and that no part named is removed. An
/// unfiltered report therefore replaces the stored set; a filtered one updates the messages it names and removes those
/// of its filter the station no longer holds.</item>
/// <item>GetDisplayMessages answered Unknown (no message matches): every stored message that matches the filter is
/// removed.</item>
/// <item>A NotifyDisplayMessages the CSMS did not ask for (an unknown requestId, or after the API gave up waiting): its
/// messages are stored, nothing is removed.</item>
/// </list>
/// <para>
/// Several languages: OCPP 2.0.1 carries one content (one language) per MessageInfoType, so a message given in several
/// languages (<see cref="SetInLanguagesAsync"/>) becomes one display message per language, each with its own id: the
/// first language takes the id asked for, the others take the ids their language had in that group before (a
/// replacement keeps them) or new ids above every id the station is known to hold. The station shows the one in its
/// display's language. The group is remembered (<see cref="DisplayMessageRecord.GroupId"/>) so that a replacement or a
/// clear of the group's id reaches every language.
/// </para>
/// </remarks>
public sealed class DisplayMessage(
    CsmsWriter writer, CsmsDatabase database, IStationCallRouter router, StationMessageStore messages, TimeProvider time, ILogger<DisplayMessage> logger, IReportRelay? relay = null)
{
    /// <summary>Where stored messages came from.</summary>
    public const string FromSet = "Set";

    /// <summary>Where stored messages came from.</summary>
    public const string FromReport = "Report";

    private readonly ConcurrentDictionary<(string StationId, int RequestId), PendingReport> _pending = new();
    private int _lastRequestId = (Environment.TickCount & 0x3FFFFFFF) ^ 0x5A5A5;

    /// <summary>Which messages a GetDisplayMessages asks for: all criteria given must hold (no criterion: all messages).</summary>
    public sealed record Filter(IReadOnlyList<int>? Ids = null, MessagePriorityEnumType? Priority = null, MessageStateEnumType? State = null)
    {
        /// <summary>Whether it asks for every message.</summary>
        public bool IsEmpty => (Ids is null || Ids.Count == 0) && Priority is null && State is null;

        /// <summary>Whether a stored message matches it.</summary>
        public bool Matches(DisplayMessageRecord record)
        {
            ArgumentNullException.ThrowIfNull(record);
            return (Ids is not { Count: > 0 } ids || ids.Contains(record.MessageId))
                && (Priority is not { } p || record.Priority == p.ToWire())
                && (State is not { } s || record.State == s.ToWire());
        }
    }

    /// <summary>What a report gave: the station's answer and, when Accepted, the messages of every part in order.</summary>
    public sealed record Report(int RequestId, GetDisplayMessagesStatusEnumType Status, StatusInfoType? StatusInfo, IReadOnlyList<MessageInfoType> Messages);

    /// <summary>How the station answered the message of one language.</summary>
    public sealed record LanguageResult(int Id, string? Language, DisplayMessageStatusEnumType Status, StatusInfoType? StatusInfo);

    /// <summary>A request id for a GetDisplayMessages, unique in this process.</summary>
    public int NextRequestId() => Interlocked.Increment(ref _lastRequestId) & 0x7FFFFFFF;

    // O01 Set DisplayMessage, O02 for a transaction, O06 Replace: the request as given; Accepted stores (replaces) it.
    public async Task<SetDisplayMessageResponse> SetAsync(string stationId, SetDisplayMessageRequest request, CancellationToken cancellationToken) =>
        await SetAsync(stationId, request, groupId: null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// O01, O02, O06 with a message in several languages: one SetDisplayMessage per content, in order, stopping at the
    /// first the station does not accept (the ones after it are not sent). <paramref name="id"/> null: the CSMS takes
    /// the next id above those the station is known to hold. When every language was accepted, the languages the group
    /// had before and has no more are cleared (O05).
    /// </summary>
    public async Task<(int Id, IReadOnlyList<LanguageResult> Results)> SetInLanguagesAsync(
        string stationId, int? id, MessageInfoType template, IReadOnlyList<MessageContentType> contents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(contents);
        if (contents.Count == 0)
        {
            throw new ArgumentException("At least one content is needed.", nameof(contents));
        }

        List<DisplayMessageRecord> held;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            held = await db.DisplayMessages.AsNoTracking().Where(m => m.StationId == stationId).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var first = id ?? (held.Count == 0 ? 1 : held.Max(m => m.MessageId) + 1);
        var group = held.Where(m => m.MessageId != first && m.GroupId == first).ToList();
        var next = Math.Max(first, held.Count == 0 ? 0 : held.Max(m => m.MessageId));
        var ids = new List<int> { first };
        for (var i = 1; i < contents.Count; i++)
        {
            var language = contents[i].Language;
            var reuse = group.FirstOrDefault(m => string.Equals(m.Language, language, StringComparison.OrdinalIgnoreCase) && !ids.Contains(m.MessageId));
            ids.Add(reuse?.MessageId ?? ++next);
        }

        var results = new List<LanguageResult>();
        for (var i = 0; i < contents.Count; i++)
        {
            var info = Copy(template, ids[i], contents[i]);
            var response = await SetAsync(stationId, new SetDisplayMessageRequest { Message = info }, contents.Count > 1 ? first : null, cancellationToken).ConfigureAwait(false);
            results.Add(new LanguageResult(ids[i], contents[i].Language, response.Status, response.StatusInfo));
            if (response.Status != DisplayMessageStatusEnumType.Accepted)
            {
                return (first, results);
            }
        }

        foreach (var dropped in group.Where(m => !ids.Contains(m.MessageId)))
        {
            await ClearAsync(stationId, dropped.MessageId, cancellationToken).ConfigureAwait(false);
        }

        return (first, results);
    }

    // O03 Get All DisplayMessages, O04 Get Specific DisplayMessages: sends GetDisplayMessages and waits for the last part.
    /// <summary>
    /// Asks the station for its messages matching <paramref name="filter"/> and waits (until
    /// <paramref name="cancellationToken"/>) for the NotifyDisplayMessages parts, which are stored as they arrive.
    /// </summary>
    public async Task<Report> GetAsync(string stationId, Filter filter, int? requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var id = requestId ?? NextRequestId();
        var key = (stationId, id);
        var pending = new PendingReport(filter);
        _pending[key] = pending;
        try
        {
            var response = await router.CallAsync(
                stationId,
                new GetDisplayMessagesRequest { RequestId = id, Id = filter.Ids is { Count: > 0 } ids ? [.. ids] : null, Priority = filter.Priority, State = filter.State },
                cancellationToken).ConfigureAwait(false);
            if (response.Status != GetDisplayMessagesStatusEnumType.Accepted)
            {
                // O03, O04 Unknown: the station holds no message that matches, so neither does the CSMS.
                await writer.ExecuteForStationAsync(stationId, db => RemoveAsync(db, stationId, filter, []), cancellationToken).ConfigureAwait(false);
                return new Report(id, response.Status, response.StatusInfo, []);
            }

            var reported = await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new Report(id, response.Status, response.StatusInfo, reported);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<(string, int), PendingReport>(key, pending));
        }
    }

    // O03, O04: each NotifyDisplayMessages part is stored; the last of a report asked for removes what it no longer holds.
    public async ValueTask<NotifyDisplayMessagesResponse> NotifyDisplayMessagesAsync(NotifyDisplayMessagesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        var part = request.MessageInfo ?? [];
        var last = request.Tbc != true;
        _pending.TryGetValue((context.StationId, request.RequestId), out var pending);
        var all = pending is null ? null : Add(pending, part, last);
        await writer.ExecuteForStationAsync(context.StationId, async db =>
        {
            await UpsertAsync(db, context.StationId, part, null, FromReport).ConfigureAwait(false);
            if (pending is not null && all is not null)
            {
                await RemoveAsync(db, context.StationId, pending.Filter, Ids(all)).ConfigureAwait(false);
            }
        }, Math.Max(1, part.Count), cancellationToken).ConfigureAwait(false);

        if (pending is not null && all is not null)
        {
            pending.Done.TrySetResult(all);
        }
        else if (pending is null)
        {
            // Another node may wait for it (its API asked): it removes what the report no longer holds there.
            relay?.Relay(OcppActions.NotifyDisplayMessages.Name, context.StationId, JsonSerializer.Serialize(request, OcppJsonContext.Default.NotifyDisplayMessagesRequest));
            logger.LogDebug("{StationId} reported display messages for request {RequestId}, which this node is not waiting for: stored, nothing removed here", context.StationId, request.RequestId);
        }

        return new NotifyDisplayMessagesResponse();
    }

    /// <summary>
    /// A part another node received and stored (see <see cref="IReportRelay"/>): when this node waits for its report, the
    /// part is added and the last one removes what the report no longer holds and ends the wait.
    /// </summary>
    public async Task RelayedAsync(string stationId, NotifyDisplayMessagesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_pending.TryGetValue((stationId, request.RequestId), out var pending))
        {
            return;
        }

        if (Add(pending, request.MessageInfo ?? [], request.Tbc != true) is not { } all)
        {
            return;
        }

        await writer.ExecuteForStationAsync(stationId, db => RemoveAsync(db, stationId, pending.Filter, Ids(all)), cancellationToken).ConfigureAwait(false);
        pending.Done.TrySetResult(all);
    }

    /// <summary>Adds a part to the report waited for; for the last part, the messages of the whole report (else null).</summary>
    private static List<MessageInfoType>? Add(PendingReport pending, IReadOnlyCollection<MessageInfoType> part, bool last)
    {
        lock (pending)
        {
            pending.Messages.AddRange(part);
            return last ? [.. pending.Messages] : null;
        }
    }

    /// <summary>The ids of a report's messages: what the station holds, which its stored messages are kept by.</summary>
    private static List<int> Ids(IEnumerable<MessageInfoType> report) => [.. report.Select(m => m.Id)];

    // O05 Clear a DisplayMessage: Accepted or Unknown, the stored message goes.
    public async Task<ClearDisplayMessageResponse> ClearAsync(string stationId, int id, CancellationToken cancellationToken)
    {
        var response = await router.CallAsync(stationId, new ClearDisplayMessageRequest { Id = id }, cancellationToken).ConfigureAwait(false);
        await writer.ExecuteForStationAsync(stationId, async db =>
        {
            var stored = await db.DisplayMessages.Where(m => m.StationId == stationId && m.MessageId == id).ToListAsync().ConfigureAwait(false);
            db.DisplayMessages.RemoveRange(stored);
        }, CancellationToken.None).ConfigureAwait(false);
        return response;
    }

    /// <summary>O05 for a message and, when it names a group set in several languages, every language of it.</summary>
    public async Task<IReadOnlyList<(int Id, ClearDisplayMessageResponse Response)>> ClearGroupAsync(string stationId, int id, CancellationToken cancellationToken)
    {
        List<int> ids;
        var db = database.CreateContext();
        await using (db.ConfigureAwait(false))
        {
            ids = await db.DisplayMessages.AsNoTracking().Where(m => m.StationId == stationId && m.GroupId == id && m.MessageId != id)
                .OrderBy(m => m.MessageId).Select(m => m.MessageId).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var results = new List<(int, ClearDisplayMessageResponse)> { (id, await ClearAsync(stationId, id, cancellationToken).ConfigureAwait(false)) };
        foreach (var other in ids)
        {
            results.Add((other, await ClearAsync(stationId, other, cancellationToken).ConfigureAwait(false)));
        }

        return results;
    }

    /// <summary>A stored message as the MessageInfoType the station holds.</summary>
    public static MessageInfoType Info(DisplayMessageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.Deserialize(record.Info, OcppJsonContext.Default.MessageInfoType)
            ?? throw new InvalidOperationException($"Display message {record.MessageId} of {record.StationId} is stored without its content.");
    }

    private async Task<SetDisplayMessageResponse> SetAsync(string stationId, SetDisplayMessageRequest request, int? groupId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await router.CallAsync(stationId, request, cancellationToken).ConfigureAwait(false);
        if (response.Status == DisplayMessageStatusEnumType.Accepted)
        {
            await writer.ExecuteForStationAsync(stationId, db => UpsertAsync(db, stationId, [request.Message], groupId, FromSet), CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            logger.LogInformation("{StationId} answered {Status} to display message {Id}", stationId, response.Status.ToWire(), request.Message.Id);
        }

        return response;
    }

    private async Task UpsertAsync(CsmsDbContext db, string stationId, List<MessageInfoType> infos, int? groupId, string source)
    {
        if (infos.Count == 0)
        {
            return;
        }

        var ids = infos.Select(i => i.Id).ToList();
        var stored = await db.DisplayMessages.Where(m => m.StationId == stationId && ids.Contains(m.MessageId)).ToDictionaryAsync(m => m.MessageId).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var info in infos)
        {
            if (!stored.TryGetValue(info.Id, out var record))
            {
                record = new DisplayMessageRecord { StationId = stationId, MessageId = info.Id, Priority = "", Info = "", Source = source };
                db.DisplayMessages.Add(record);
                stored[info.Id] = record;
            }

            if (source == FromSet)
            {
                record.GroupId = groupId;
            }

            record.Priority = info.Priority.ToWire();
            record.State = info.State?.ToWire();
            record.Language = info.Message.Language;
            record.TransactionId = info.TransactionId;
            record.Info = JsonSerializer.Serialize(info, OcppJsonContext.Default.MessageInfoType);
            record.Source = source;
            record.UpdatedAt = now;
        }
    }

    private static async Task RemoveAsync(CsmsDbContext db, string stationId, Filter filter, IReadOnlyCollection<int> keep)
    {
        var stored = await db.DisplayMessages.Where(m => m.StationId == stationId).ToListAsync().ConfigureAwait(false);
        db.DisplayMessages.RemoveRange(stored.Where(m => filter.Matches(m) && !keep.Contains(m.MessageId)));
    }

    private static MessageInfoType Copy(MessageInfoType template, int id, MessageContentType content) => new()
    {
        Id = id,
        Priority = template.Priority,
        State = template.State,
        StartDateTime = template.StartDateTime,
        EndDateTime = template.EndDateTime,
        TransactionId = template.TransactionId,
        Display = template.Display,
        Message = content,
        CustomData = template.CustomData,
    };

    private sealed class PendingReport(Filter filter)
    {
        public Filter Filter { get; } = filter;

        public List<MessageInfoType> Messages { get; } = [];

        public TaskCompletionSource<IReadOnlyList<MessageInfoType>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
