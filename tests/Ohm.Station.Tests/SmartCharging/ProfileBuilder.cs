using Ohm.Ocpp.Messages;

namespace Ohm.Station.Tests.Charging;

/// <summary>Charging profiles for the tests, built in one line.</summary>
internal static class ProfileBuilder
{
    public static ChargingProfileType Profile(
        int id,
        ChargingProfilePurposeEnumType purpose,
        decimal limit,
        ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.A,
        int stack = 0,
        ChargingProfileKindEnumType kind = ChargingProfileKindEnumType.Relative,
        DateTimeOffset? startSchedule = null,
        int? duration = null,
        RecurrencyKindEnumType? recurrency = null,
        DateTimeOffset? validFrom = null,
        DateTimeOffset? validTo = null,
        string? transactionId = null,
        int? phases = null,
        params (int Start, decimal Limit)[] more) => new()
    {
        Id = id,
        StackLevel = stack,
        ChargingProfilePurpose = purpose,
        ChargingProfileKind = kind,
        RecurrencyKind = recurrency,
        ValidFrom = validFrom,
        ValidTo = validTo,
        TransactionId = transactionId,
        ChargingSchedule =
        [
            new ChargingScheduleType
            {
                Id = id,
                StartSchedule = startSchedule,
                Duration = duration,
                ChargingRateUnit = unit,
                ChargingSchedulePeriod =
                [
                    new ChargingSchedulePeriodType { StartPeriod = 0, Limit = limit, NumberPhases = phases },
                    .. more.Select(p => new ChargingSchedulePeriodType { StartPeriod = p.Start, Limit = p.Limit, NumberPhases = phases }),
                ],
            },
        ],
    };

    public static ChargingProfileType Tx(int id, decimal limit, ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.A, int stack = 0, string? transactionId = null) =>
        Profile(id, ChargingProfilePurposeEnumType.TxProfile, limit, unit, stack, transactionId: transactionId);

    public static ChargingProfileType TxDefault(int id, decimal limit, ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.A, int stack = 0) =>
        Profile(id, ChargingProfilePurposeEnumType.TxDefaultProfile, limit, unit, stack);

    public static ChargingProfileType StationMax(int id, decimal limit, ChargingRateUnitEnumType unit = ChargingRateUnitEnumType.W, int stack = 0) =>
        Profile(id, ChargingProfilePurposeEnumType.ChargingStationMaxProfile, limit, unit, stack, ChargingProfileKindEnumType.Absolute, startSchedule: DateTimeOffset.UnixEpoch);
}
