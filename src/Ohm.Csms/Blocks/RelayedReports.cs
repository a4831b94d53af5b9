using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// A report part another node received and stored (see <see cref="Sessions.IReportRelay"/>), given to the block whose
/// wait on this node it may end: nothing is stored again; a block that waits for nothing of that request ignores it.
/// </summary>
public sealed class RelayedReports(DisplayMessage display, Diagnostics diagnostics, CustomerInformation customers)
{
    /// <summary>Hands the part to its block.</summary>
    /// <exception cref="ArgumentException">The action is not one whose reports are relayed, or its JSON is not its request.</exception>
    public Task DeliverAsync(string action, string stationId, string request, CancellationToken cancellationToken)
    {
        if (action == OcppActions.NotifyDisplayMessages.Name)
        {
            return display.RelayedAsync(stationId, Read(request, OcppJsonContext.Default.NotifyDisplayMessagesRequest), cancellationToken);
        }

        if (action == OcppActions.NotifyMonitoringReport.Name)
        {
            return diagnostics.RelayedMonitoringReportAsync(stationId, Read(request, OcppJsonContext.Default.NotifyMonitoringReportRequest).RequestId, cancellationToken);
        }

        if (action == OcppActions.NotifyCustomerInformation.Name)
        {
            customers.Relayed(stationId, Read(request, OcppJsonContext.Default.NotifyCustomerInformationRequest).RequestId);
            return Task.CompletedTask;
        }

        throw new ArgumentException($"{action} is not a report whose parts are relayed.", nameof(action));
    }

    private static T Read<T>(string json, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new ArgumentException($"A relayed {typeof(T).Name} is null.", nameof(json));
}
