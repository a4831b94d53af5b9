using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Ohm.Csms.Events;

/// <summary>
/// A live fan-out within this process: each subscriber has a bounded queue; a subscriber that falls
/// <see cref="QueueLength"/> items behind loses the oldest (a live view, not a delivery guarantee: webhooks have the
/// durable outbox).
/// </summary>
/// <typeparam name="T">What is fanned out.</typeparam>
public abstract class InProcessFanOut<T>
    where T : class
{
    /// <summary>How many events a subscriber may fall behind before it loses the oldest.</summary>
    public const int QueueLength = 1024;

    private readonly Lock _gate = new();
    private readonly List<Channel<T>> _subscribers = [];

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

    /// <summary>Hands <paramref name="item"/> to every subscriber; never waits for one.</summary>
    public void Publish(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(item);
            }
        }
    }

    /// <summary>The items published from now on, until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<T> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(QueueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        try
        {
            while (true)
            {
                T notice;
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
