using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Sends charging profiles to a station and keeps what it accepted (block K on the CSMS, <see cref="SmartCharging"/>).
/// The site balancer sends through it, so the profiles in force that the API shows include the balancer's.
/// </summary>
public interface IChargingProfileSender
{
    /// <summary>K01/K02: SetChargingProfile for an EVSE (0: the station); an Accepted profile is stored as in force.</summary>
    Task<ChargingProfileSendResult> SetChargingProfileAsync(string stationId, int evseId, ChargingProfileType profile, CancellationToken cancellationToken);

    /// <summary>K10: ClearChargingProfile by id or by criteria; what the station cleared is removed from the stored profiles.</summary>
    Task<ChargingProfileSendResult> ClearChargingProfileAsync(string stationId, int? chargingProfileId, ClearChargingProfileType? criteria, CancellationToken cancellationToken);
}

/// <summary>How a send went: the station's answer, or why there was none.</summary>
public sealed record ChargingProfileSendResult(ChargingProfileSendStatus Status, string? Detail = null)
{
    /// <summary>Whether the station accepted it.</summary>
    public bool Accepted => Status == ChargingProfileSendStatus.Accepted;
}

/// <summary>The outcome of a charging-profile call.</summary>
public enum ChargingProfileSendStatus
{
    /// <summary>The station answered Accepted.</summary>
    Accepted,

    /// <summary>The station answered Rejected (or Unknown, for a clear); <see cref="ChargingProfileSendResult.Detail"/> holds its reasonCode.</summary>
    Rejected,

    /// <summary>The station is not connected: nothing was sent.</summary>
    NotConnected,

    /// <summary>The station did not answer in time, or the connection closed before it did.</summary>
    NoAnswer,

    /// <summary>The station answered with a CALLERROR.</summary>
    CallError,
}
