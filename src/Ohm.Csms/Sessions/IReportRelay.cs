namespace Ohm.Csms.Sessions;

/// <summary>
/// The parts of a report a station sends for a request the CSMS waits for (NotifyDisplayMessages, NotifyMonitoringReport,
/// NotifyCustomerInformation) arrive at the node that holds the station; the wait may be on another node, whose API
/// asked. The node that receives a part stores it as always and, when it waits for nothing of that request itself, hands
/// it to this seam: a single node has no one to tell (<see cref="NoReportRelay"/>); a cluster sends it to every peer,
/// whose <see cref="Blocks.RelayedReports"/> gives it to the block that may be waiting there.
/// </summary>
public interface IReportRelay
{
    /// <summary>Sends on a stored part: its action's name and its request's JSON (as much of it as a waiter needs); never waits.</summary>
    void Relay(string action, string stationId, string request);
}
