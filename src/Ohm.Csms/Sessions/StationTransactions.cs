using Ohm.Csms.Storage.Entities;

namespace Ohm.Csms.Sessions;

/// <summary>
/// The open transactions of one connected station as they are stored: each one's row and the seqNos stored for it, so
/// that a TransactionEvent needs no lookup before it is written. Block E reads it in the writer and changes it only after
/// its write is committed, so a failed write leaves it as it was; a transaction that is not here is read from the
/// database. Bounded: a station has few EVSEs, and a transaction leaves when it ends or when the station disconnects.
/// </summary>
public sealed class StationTransactions
{
    private const int MaxKept = 64;

    private readonly Dictionary<string, KnownTransaction> _open = new(StringComparer.Ordinal);

    /// <summary>The number of transactions kept.</summary>
    public int Count
    {
        get
        {
            lock (_open)
            {
                return _open.Count;
            }
        }
    }

    internal KnownTransaction? Find(string transactionId)
    {
        lock (_open)
        {
            return _open.GetValueOrDefault(transactionId);
        }
    }

    /// <summary>Keeps the committed state of a transaction after the event with <paramref name="seqNo"/> was stored.</summary>
    internal void Keep(KnownTransaction before, TransactionRecord row, int seqNo)
    {
        before.SeqNos.Add(seqNo);
        lock (_open)
        {
            if (!_open.ContainsKey(row.TransactionId) && _open.Count >= MaxKept)
            {
                _open.Clear();
            }

            _open[row.TransactionId] = new KnownTransaction(row, before.SeqNos);
        }
    }

    internal void Forget(string transactionId)
    {
        lock (_open)
        {
            _open.Remove(transactionId);
        }
    }
}

/// <summary>A stored transaction row and the seqNos of its stored events.</summary>
internal sealed record KnownTransaction(TransactionRecord Row, HashSet<int> SeqNos);
