using System.Text.Json;

namespace Ohm.Csms.Queries;

/// <summary>A transaction as the API and the console show it.</summary>
public sealed record TransactionView(
    string StationId, string TransactionId, string State, int? EvseId, int? ConnectorId, string? IdToken, string? IdTokenType,
    string? AuthorizationStatus, string? ChargingState, string? StoppedReason, int? RemoteStartId, int? ReservationId,
    DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, bool StartedReceived, int LastSeqNo, int EventCount, decimal? EnergyWh)
{
    /// <summary>E14: what the station answered when the CSMS asked after an Ended with gaps; null if it never asked.</summary>
    public StatusCheckView? StatusCheck { get; init; }
}

/// <summary>The CSMS's own GetTransactionStatus (E14) after the transaction ended with seqNos missing.</summary>
public sealed record StatusCheckView(DateTimeOffset CheckedAt, bool? MessagesInQueue, bool? OngoingIndicator, string? Error);

/// <summary>One transaction: <c>gaps</c> lists the first 1000 seqNos missing, <c>gapCount</c> how many are missing in all.</summary>
public sealed record TransactionDetail(
    TransactionView Transaction, List<int> Gaps, long GapCount, List<int> LateEvents, List<int> OutOfOrderEvents, List<TransactionEventView> Events);

/// <summary>One stored TransactionEvent with its meter values.</summary>
public sealed record TransactionEventView(
    int SeqNo, string EventType, DateTimeOffset Timestamp, string TriggerReason, bool Offline, int? NumberOfPhasesUsed, decimal? CableMaxCurrent, int? ReservationId,
    string? ChargingState, string? StoppedReason, int? RemoteStartId, int? EvseId, int? ConnectorId, string? IdToken, string? IdTokenType, bool Late, bool OutOfOrder,
    DateTimeOffset ReceivedAt, List<MeterValueView> MeterValues);

/// <summary>A meter value: its timestamp and flat sampled values.</summary>
public sealed record MeterValueView(DateTimeOffset Timestamp, List<SampledValueView> SampledValue);

/// <summary>A sampled value; <c>value</c> is the number the station wrote.</summary>
public sealed record SampledValueView(
    JsonElement Value, string Measurand, string? Phase, string? Location, string? Context, string? Unit, int? Multiplier,
    string? SignedMeterData, string? SigningMethod, string? EncodingMethod, string? PublicKey);

/// <summary>The filters of a transaction list: <c>From</c> is inclusive, <c>To</c> exclusive, <c>IdToken</c> a part of the token.</summary>
public sealed record TransactionFilter(
    string? StationId = null, string? State = null, DateTimeOffset? From = null, DateTimeOffset? To = null, int? RemoteStartId = null, string? IdToken = null);

/// <summary>What a console table sorts transactions by.</summary>
public enum TransactionSort
{
    /// <summary>Start time (a transaction whose start the CSMS never saw sorts as the oldest).</summary>
    StartedAt,

    /// <summary>End time.</summary>
    EndedAt,

    /// <summary>Station id.</summary>
    StationId,

    /// <summary>Transaction id.</summary>
    TransactionId,

    /// <summary>State (Active, Ended).</summary>
    State,
}

/// <summary>One page of transactions: <c>Next</c> is the keyset key of the last item (null on the last page).</summary>
public sealed record TransactionPage(IReadOnlyList<TransactionView> Items, int Total, string? Next);

/// <summary>A transaction's cost by its tariff: the total including tax, in an ISO 4217 currency.</summary>
public sealed record TransactionCostView(decimal Total, string Currency);
