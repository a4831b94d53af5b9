using System.Text.Json;
using Ohm.Csms.Events;

namespace Ohm.Csms.Cluster;

/// <summary>
/// The live event stream across the cluster (the SSE endpoint): an event published here reaches this node's subscribers
/// at once and is sent to every peer; an event a peer sent is delivered here only, so each subscriber sees it once.
/// </summary>
public sealed class ClusterEventFanOut(ClusterPeers peers) : IEventFanOut
{
    private readonly InProcessEventFanOut _local = new();

    /// <summary>This node's subscribers now.</summary>
    public int Subscribers => _local.Count;

    /// <inheritdoc/>
    public void Publish(EventNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        _local.Publish(notice);
        peers.PostEvent(notice.ToJson());
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<EventNotice> SubscribeAsync(CancellationToken cancellationToken) => _local.SubscribeAsync(cancellationToken);

    /// <summary>Events a peer published (their JSON): to this node's subscribers only.</summary>
    internal void Deliver(IEnumerable<string> notices)
    {
        foreach (var json in notices)
        {
            if (JsonSerializer.Deserialize(json, EventsJson.Default.EventNotice) is { } notice)
            {
                _local.Publish(notice);
            }
        }
    }
}
