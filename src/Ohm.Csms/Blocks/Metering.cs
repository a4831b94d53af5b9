using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block J, Meter values, on the CSMS side.</summary>
public sealed class Metering(CsmsWriter writer)
{
    // J01 Sending Meter Values not related to a transaction
    public async ValueTask<MeterValuesResponse> MeterValuesAsync(MeterValuesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        await writer.ExecuteAsync(db =>
        {
            db.SampledValues.AddRange(Records(context.StationId, request.EvseId, null, null, request.MeterValue));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        return new MeterValuesResponse();
    }

    /// <summary>The stored rows of meter values, one per sampled value.</summary>
    public static IEnumerable<SampledValueRecord> Records(string stationId, int evseId, string? transactionId, TransactionEventRecord? transactionEvent, IEnumerable<MeterValueType> meterValues)
    {
        ArgumentNullException.ThrowIfNull(meterValues);
        foreach (var meterValue in meterValues)
        {
            foreach (var sample in meterValue.SampledValue)
            {
                yield return new SampledValueRecord
                {
                    StationId = stationId,
                    EvseId = evseId,
                    TransactionId = transactionId,
                    Event = transactionEvent,
                    Timestamp = meterValue.Timestamp.ToUniversalTime(),
                    Value = sample.Value,
                    Measurand = (sample.Measurand ?? MeasurandEnumType.EnergyActiveImportRegister).ToWire(),
                    Phase = sample.Phase?.ToWire(),
                    Location = sample.Location?.ToWire(),
                    Context = sample.Context?.ToWire(),
                    Unit = sample.UnitOfMeasure?.Unit,
                    Multiplier = sample.UnitOfMeasure?.Multiplier,
                    SignedMeterData = sample.SignedMeterValue?.SignedMeterData,
                    SigningMethod = sample.SignedMeterValue?.SigningMethod,
                    EncodingMethod = sample.SignedMeterValue?.EncodingMethod,
                    PublicKey = sample.SignedMeterValue?.PublicKey,
                };
            }
        }
    }

    /// <summary>
    /// The Energy.Active.Import.Register reading of a sampled value in Wh (unit Wh by default, kWh scaled, multiplier
    /// applied), or null when the value is another measurand or a per-phase reading.
    /// </summary>
    public static decimal? ImportRegisterWh(SampledValueType sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if ((sample.Measurand ?? MeasurandEnumType.EnergyActiveImportRegister) != MeasurandEnumType.EnergyActiveImportRegister || sample.Phase is not null)
        {
            return null;
        }

        var value = sample.Value;
        if (string.Equals(sample.UnitOfMeasure?.Unit, "kWh", StringComparison.OrdinalIgnoreCase))
        {
            value *= 1000m;
        }

        if (sample.UnitOfMeasure?.Multiplier is { } m && m != 0)
        {
            value *= (decimal)Math.Pow(10, m);
        }

        return value;
    }
}
