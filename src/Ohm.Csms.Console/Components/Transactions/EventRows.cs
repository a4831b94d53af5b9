using Ohm.Csms.Queries;

namespace Ohm.Csms.Console.Components.Transactions;

/// <summary>A row of a transaction's event list: an event, or the seqNos missing before the next one.</summary>
/// <param name="Event">The event, or null for a gap.</param>
/// <param name="GapFrom">The first seqNo missing (a gap).</param>
/// <param name="GapTo">The last seqNo missing (a gap).</param>
public sealed record EventRow(TransactionEventView? Event, int GapFrom = 0, int GapTo = 0)
{
    /// <summary>How long after its timestamp the CSMS received an event that counts as delayed (sent from the station's queue).</summary>
    public static readonly TimeSpan DelayedAfter = TimeSpan.FromMinutes(1);

    /// <summary>The events in seqNo order with a gap row wherever seqNos are missing (from 0 on).</summary>
    public static IReadOnlyList<EventRow> Of(IEnumerable<TransactionEventView> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = new List<EventRow>();
        var expected = 0L;
        foreach (var e in events.OrderBy(e => e.SeqNo))
        {
            if (e.SeqNo > expected)
            {
                rows.Add(new EventRow(null, (int)expected, e.SeqNo - 1));
            }

            rows.Add(new EventRow(e));
            expected = Math.Max(expected, e.SeqNo + 1L);
        }

        return rows;
    }

    /// <summary>Whether the event was received well after its timestamp (it waited in the station's queue, offline or not).</summary>
    public static bool Delayed(TransactionEventView e) => e is not null && e.ReceivedAt - e.Timestamp > DelayedAfter;
}
