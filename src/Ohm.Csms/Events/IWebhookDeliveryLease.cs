namespace Ohm.Csms.Events;

/// <summary>
/// The right to deliver the webhook outbox, held by one process at a time: without one (a single node) the
/// <see cref="WebhookDispatcher"/> of this process delivers; a cluster's nodes compete for it, and another node takes it
/// over when its holder dies or stops.
/// </summary>
public interface IWebhookDeliveryLease
{
    /// <summary>
    /// Waits until this process holds the lease. The token returned is cancelled when it is lost; while it is held,
    /// <paramref name="woken"/> is called when another process wrote outbox rows (<see cref="Notify"/>).
    /// </summary>
    /// <param name="woken">Called when rows were written elsewhere.</param>
    /// <param name="stopping">Stops the wait, and gives the lease up once held.</param>
    Task<CancellationToken> AcquireAsync(Action woken, CancellationToken stopping);

    /// <summary>Outbox rows were committed in this process: the holder, wherever it is, is told to look.</summary>
    void Notify();
}
