namespace Ohm.Csms.Blocks;

/// <summary>
/// What a site's load balancer must hear about, told by the blocks once what they report is stored. The single-node
/// default (<see cref="NoSmartChargingSignals"/>) ignores them; the balancer implements this seam, and a cluster can
/// route the signals to the one balancer of a site wherever it runs.
/// </summary>
public interface ISmartChargingSignals
{
    /// <summary>A transaction of the station started, changed (chargingState, EVSE) or ended (E, TransactionEvent stored).</summary>
    void TransactionChanged(string stationId, int? evseId);

    /// <summary>Meter values of an EVSE were stored (J, MeterValues or a TransactionEvent's meterValue).</summary>
    void MeterValuesStored(string stationId, int? evseId);

    /// <summary>The station connected (true) or its connection closed (false).</summary>
    void ConnectionChanged(string stationId, bool connected);

    /// <summary>
    /// K15/K17: an EV's charging needs for a transaction were stored. Returns true when a site balancer allocates this EVSE
    /// and will send the TxProfile that serves the needs itself; false when the caller must compute the profile.
    /// </summary>
    bool ChargingNeedsStored(string stationId, int evseId, string transactionId);
}

/// <summary>The default: no balancer listens.</summary>
public sealed class NoSmartChargingSignals : ISmartChargingSignals
{
    /// <inheritdoc/>
    public void TransactionChanged(string stationId, int? evseId)
    {
    }

    /// <inheritdoc/>
    public void MeterValuesStored(string stationId, int? evseId)
    {
    }

    /// <inheritdoc/>
    public void ConnectionChanged(string stationId, bool connected)
    {
    }

    /// <inheritdoc/>
    public bool ChargingNeedsStored(string stationId, int evseId, string transactionId) => false;
}
