using Ohm.Ocpp.Messages;

namespace Ohm.Station.Hardware;

/// <summary>
/// The EV's ISO 15118 high-level communication at each EVSE, as the charger's SECC tells it (K15-K17): the charging needs
/// an ISO 15118 EV announced (its ChargeParameterDiscoveryReq), its wish to renegotiate with new needs, and the schedule
/// negotiation (the SASchedules offered in ChargeParameterDiscoveryRes, the charging profile the EV returns in its
/// PowerDeliveryReq). An EV without high-level communication (basic PWM charging) has no needs.
/// </summary>
public interface IEvHighLevelCommunication
{
    /// <summary>The charging needs of the ISO 15118 EV plugged at the EVSE; null when none is plugged or the EV does not speak ISO 15118.</summary>
    EvChargingNeeds? ChargingNeeds(int evseId);

    /// <summary>
    /// Raised with the EVSE id when the EV asks to renegotiate (K17: a PowerDeliveryReq with ReNegotiation, then a new
    /// ChargeParameterDiscoveryReq); <see cref="ChargingNeeds"/> then gives the new needs.
    /// </summary>
    event Action<int>? RenegotiationRequested;

    /// <summary>
    /// Offers the EV its charging schedules (the SAScheduleList, one per SAScheduleTuple, the schedule id its
    /// SAScheduleTupleID, periods relative to <paramref name="timeBase"/>) and returns the EV's choice; null when the EV
    /// chose none (it ended the session).
    /// </summary>
    ValueTask<EvScheduleSelection?> OfferSchedulesAsync(int evseId, DateTimeOffset timeBase, IReadOnlyList<ChargingScheduleType> schedules, CancellationToken cancellationToken);
}

/// <summary>
/// What an ISO 15118 EV announced: its charging needs as OCPP carries them (requestedEnergyTransfer, departureTime, the AC
/// or DC parameters), and how many schedule periods it accepts per schedule (its MaxEntriesSAScheduleTuple), if it said.
/// </summary>
/// <param name="Needs">The needs, sent as NotifyEVChargingNeedsRequest.chargingNeeds.</param>
/// <param name="MaxScheduleTuples">The EV's MaxEntriesSAScheduleTuple, sent as maxScheduleTuples; null when the EV did not say.</param>
public sealed record EvChargingNeeds(ChargingNeedsType Needs, int? MaxScheduleTuples = null);

/// <summary>The EV's answer to an offer: the SAScheduleTuple it selected and its own charging profile within it.</summary>
/// <param name="SelectedScheduleId">The id of the offered schedule (SAScheduleTupleID) the EV selected.</param>
/// <param name="ChargingSchedule">The EV's charging profile, periods relative to the offer's time base; reported with NotifyEVChargingSchedule.</param>
public sealed record EvScheduleSelection(int SelectedScheduleId, ChargingScheduleType ChargingSchedule);
