using Ohm.Csms.Blocks;
using Ohm.Csms.Sessions;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Sites;

/// <summary>
/// A stand-in <see cref="IChargingProfileSender"/> until block K's SmartCharging implements it: sends SetChargingProfile and
/// ClearChargingProfile through the station-call router and stores nothing. Removed when the SmartCharging sender lands.
/// </summary>
public sealed class RouterChargingProfileSender(IStationCallRouter router) : IChargingProfileSender
{
    /// <inheritdoc/>
    public Task<ChargingProfileSendResult> SetChargingProfileAsync(string stationId, int evseId, ChargingProfileType profile, CancellationToken cancellationToken) =>
        CallAsync(async () =>
        {
            var response = await router.CallAsync(stationId, new SetChargingProfileRequest { EvseId = evseId, ChargingProfile = profile }, cancellationToken).ConfigureAwait(false);
            return response.Status == ChargingProfileStatusEnumType.Accepted
                ? new ChargingProfileSendResult(ChargingProfileSendStatus.Accepted)
                : new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, response.StatusInfo?.ReasonCode);
        });

    /// <inheritdoc/>
    public Task<ChargingProfileSendResult> ClearChargingProfileAsync(string stationId, int? chargingProfileId, ClearChargingProfileType? criteria, CancellationToken cancellationToken) =>
        CallAsync(async () =>
        {
            var response = await router.CallAsync(stationId, new ClearChargingProfileRequest { ChargingProfileId = chargingProfileId, ChargingProfileCriteria = criteria }, cancellationToken).ConfigureAwait(false);
            return response.Status == ClearChargingProfileStatusEnumType.Accepted
                ? new ChargingProfileSendResult(ChargingProfileSendStatus.Accepted)
                : new ChargingProfileSendResult(ChargingProfileSendStatus.Rejected, response.StatusInfo?.ReasonCode);
        });

    private static async Task<ChargingProfileSendResult> CallAsync(Func<Task<ChargingProfileSendResult>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (StationNotConnectedException ex)
        {
            return new(ChargingProfileSendStatus.NotConnected, ex.Message);
        }
        catch (OcppCallTimeoutException ex)
        {
            return new(ChargingProfileSendStatus.NoAnswer, ex.Message);
        }
        catch (OcppConnectionClosedException ex)
        {
            return new(ChargingProfileSendStatus.NoAnswer, ex.Message);
        }
        catch (OcppCallErrorException ex)
        {
            return new(ChargingProfileSendStatus.CallError, ex.Message);
        }
    }
}
