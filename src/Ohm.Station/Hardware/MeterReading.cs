using Ohm.Ocpp.Messages;

namespace Ohm.Station.Hardware;

/// <summary>One reading of a meter.</summary>
/// <param name="Value">The value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit of measure as OCPP spells it (Wh, W, A, V, Percent).</param>
/// <param name="Location">Where it was measured, when not at the outlet.</param>
/// <param name="Signature">The meter's signature of this reading, when the meter signs (DataSigned, SignReadings).</param>
public sealed record MeterReading(decimal Value, string Unit, LocationEnumType? Location = null, SignedMeterValueType? Signature = null);
