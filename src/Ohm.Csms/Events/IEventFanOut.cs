using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Ohm.Csms.Events;

/// <summary>
/// The live fan-out of new events to subscribers (the Server-Sent Events endpoint, the console). This process's
/// default is <see cref="InProcessEventFanOut"/>; a cluster replaces it with one that fans out across nodes.
/// </summary>
public interface IEventFanOut
{
    /// <summary>Hands a stored (committed) event to every subscriber; never waits for one.</summary>
    void Publish(EventNotice notice);

    /// <summary>The events published from now on, until <paramref name="cancellationToken"/> is cancelled.</summary>
    IAsyncEnumerable<EventNotice> SubscribeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The in-process <see cref="IEventFanOut"/>: each subscriber has a bounded queue; a subscriber that falls
/// <see cref="QueueLength"/> events behind loses the oldest (a live view, not a delivery guarantee: webhooks have the
/// durable outbox).
/// </summary>
public sealed class InProcessEventFanOut : IEventFanOut
{
    /// <summary>How many events a subscriber may fall behind before it loses the oldest.</summary>
    public const int QueueLength = 1024;

    private readonly Lock _gate = new();
    private readonly List<Channel<EventNotice>> _subscribers = [];

    /// <summary>Subscribers now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <inheritdoc/>
    public void Publish(EventNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(notice);
            }
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<EventNotice> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<EventNotice>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            while (true)
            {
                EventNotice notice;
                try
                {
                    if (!await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }

                    if (!channel.Reader.TryRead(out notice!))
                    {
                        continue;
                    }
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }

                yield return notice;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }
}
