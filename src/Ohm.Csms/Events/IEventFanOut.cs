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

/// <summary>The in-process <see cref="IEventFanOut"/> (see <see cref="InProcessFanOut{T}"/>).</summary>
public sealed class InProcessEventFanOut : InProcessFanOut<EventNotice>, IEventFanOut;
