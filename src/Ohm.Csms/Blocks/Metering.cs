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
        var samples = Records(context.StationId, request.EvseId, null, null, request.MeterValue);
        await writer.ExecuteAsync(db => db.Statements<SampledValueRecord>().InsertAsync(samples, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new MeterValuesResponse();
    }

    /// <summary>The stored rows of meter values, one per sampled value.</summary>
    public static List<SampledValueRecord> Records(string stationId, int evseId, string? transactionId, long? transactionEventId, IEnumerable<MeterValueType> meterValues)
    {
        ArgumentNullException.ThrowIfNull(meterValues);
        var records = new List<SampledValueRecord>();
        foreach (var meterValue in meterValues)
        {
            foreach (var sample in meterValue.SampledValue)
            {
                records.Add(new SampledValueRecord
                {
                    StationId = stationId,
                    EvseId = evseId,
                    TransactionId = transactionId,
                    TransactionEventId = transactionEventId,
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
                });
            }
        }

        return records;
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
