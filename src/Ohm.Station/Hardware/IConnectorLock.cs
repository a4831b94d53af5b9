namespace Ohm.Station.Hardware;

/// <summary>The cable lock of each connector (F05 UnlockConnector).</summary>
public interface IConnectorLock
{
    /// <summary>Unlocks the connector and tells whether it worked.</summary>
    ValueTask<UnlockResult> UnlockAsync(int evseId, int connectorId, CancellationToken cancellationToken);
}
