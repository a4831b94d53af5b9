using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Queries;

/// <summary>A message's text in one language: format ASCII, HTML, URI or UTF8, language an RFC 5646 tag (at most 8 characters), content at most 512 characters.</summary>
public sealed record DisplayContentView
{
    /// <summary>The format.</summary>
    public required MessageFormatEnumType Format { get; init; }

    /// <summary>The language tag.</summary>
    public string? Language { get; init; }

    /// <summary>The text.</summary>
    public required string Content { get; init; }
}

/// <summary>The display a message is meant for: a component (name, instance) and, for an EVSE's display, its evseId (and connectorId).</summary>
public sealed record DisplayComponentView
{
    /// <summary>The component's name.</summary>
    public required string Name { get; init; }

    /// <summary>The component's instance.</summary>
    public string? Instance { get; init; }

    /// <summary>The EVSE of the display.</summary>
    public int? EvseId { get; init; }

    /// <summary>The connector of the display.</summary>
    public int? ConnectorId { get; init; }
}

/// <summary>A display message the station holds; <c>groupId</c> is the id of the message set in several languages it belongs to; <c>source</c> Set or Report.</summary>
public sealed record DisplayMessageView(
    int Id, int? GroupId, MessagePriorityEnumType Priority, MessageStateEnumType? State, DateTimeOffset? StartDateTime, DateTimeOffset? EndDateTime,
    string? TransactionId, DisplayContentView Message, DisplayComponentView? Display, string Source, DateTimeOffset UpdatedAt);

/// <summary>Block O's stored display messages per station (as the station last reported or accepted them), for the API and the console alike.</summary>
public sealed class DisplayMessageQueries(CsmsDatabase database)
{
    /// <summary>The view of a message's OCPP info.</summary>
    public static DisplayMessageView View(MessageInfoType info, int? groupId, string source, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new(
            info.Id, groupId, info.Priority, info.State, info.StartDateTime, info.EndDateTime, info.TransactionId,
            new DisplayContentView { Format = info.Message.Format, Language = info.Message.Language, Content = info.Message.Content },
            info.Display is { } d ? new DisplayComponentView { Name = d.Name, Instance = d.Instance, EvseId = d.Evse?.Id, ConnectorId = d.Evse?.ConnectorId } : null,
            source, updatedAt);
    }

    /// <summary>The view of a stored message.</summary>
    public static DisplayMessageView View(DisplayMessageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return View(DisplayMessage.Info(record), record.GroupId, record.Source, record.UpdatedAt);
    }

    /// <summary>
    /// The messages of a station by id, by priority and state (wire names; null for all), after <paramref name="after"/>
    /// (a keyset cursor), skipping <paramref name="skip"/>: at most <paramref name="take"/> + 1 rows (the one more says there
    /// is a next page) and how many match in all; null when the station is not registered.
    /// </summary>
    public async Task<(List<DisplayMessageView> Rows, int Total)?> ListAsync(
        string stationId, string? priority, string? state, long? after, int skip, int take, CancellationToken cancellationToken)
    {
        var db = database.CreateContext();
        await using var disposal = db.ConfigureAwait(false);
        if (!await db.Stations.AsNoTracking().AnyAsync(s => s.Id == stationId, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var query = db.DisplayMessages.AsNoTracking().Where(m => m.StationId == stationId);
        if (priority is not null)
        {
            query = query.Where(m => m.Priority == priority);
        }

        if (state is not null)
        {
            query = query.Where(m => m.State == state);
        }

        var total = await query.CountAsync(cancellationToken).ConfigureAwait(false);
        if (after is { } a)
        {
            query = query.Where(m => m.MessageId > a);
        }

        var rows = await query.OrderBy(m => m.MessageId).Skip(skip).Take(take + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        return ([.. rows.Select(View)], total);
    }
}
