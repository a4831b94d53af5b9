using Ohm.Csms.Storage;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>
/// Block K, Smart charging, on the CSMS side. The CSMS computes no charging schedules yet: what the station reports
/// is stored, and an EV's charging needs are answered Rejected (no schedule will be provided).
/// </summary>
public sealed class SmartCharging(StationMessageStore messages)
{
    /// <summary>The reasonCode of a NotifyEVChargingNeeds that is refused because the CSMS computes no schedules.</summary>
    public const string NoSchedulesReason = "NoSmartCharging";

    // K09 Get Charging Profiles: each ReportChargingProfiles part is stored.
    public async ValueTask<ReportChargingProfilesResponse> ReportChargingProfilesAsync(ReportChargingProfilesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new ReportChargingProfilesResponse();
    }

    // K11/K12 Set / Update External Charging Limit (with or without an ongoing transaction): stored.
    public async ValueTask<NotifyChargingLimitResponse> NotifyChargingLimitAsync(NotifyChargingLimitRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyChargingLimitResponse();
    }

    // K13 Reset / release External Charging Limit: stored.
    public async ValueTask<ClearedChargingLimitResponse> ClearedChargingLimitAsync(ClearedChargingLimitRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new ClearedChargingLimitResponse();
    }

    // K15 Charging with load leveling based on High Level Communication: Rejected, the CSMS will not provide a schedule.
    public async ValueTask<NotifyEVChargingNeedsResponse> NotifyEVChargingNeedsAsync(NotifyEVChargingNeedsRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyEVChargingNeedsResponse
        {
            Status = NotifyEVChargingNeedsStatusEnumType.Rejected,
            StatusInfo = new StatusInfoType { ReasonCode = NoSchedulesReason, AdditionalInfo = "The CSMS does not compute charging schedules; the station keeps its own limits." },
        };
    }

    // K17 Renegotiating a Charging Schedule: stored and Accepted; the CSMS sets no profile that the schedule could exceed.
    public async ValueTask<NotifyEVChargingScheduleResponse> NotifyEVChargingScheduleAsync(NotifyEVChargingScheduleRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        await messages.StoreAsync(context, cancellationToken).ConfigureAwait(false);
        return new NotifyEVChargingScheduleResponse { Status = GenericStatusEnumType.Accepted };
    }
}
