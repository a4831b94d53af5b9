using System.Text.Json;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block J, Meter values, on the CSMS side.</summary>
public sealed class Metering(CsmsWriter writer, TimeProvider time)
{
    // J01 Sending Meter Values not related to a transaction
    public async ValueTask<MeterValuesResponse> MeterValuesAsync(MeterValuesRequest request, OcppCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var record = new MeterValueRecord
        {
            StationId = context.StationId,
            EvseId = request.EvseId,
            ReceivedAt = time.GetUtcNow(),
            MeterValues = Document(request.MeterValue)!,
        };
        await writer.ExecuteForStationAsync(context.StationId, db => db.Statements<MeterValueRecord>().InsertAsync(record, cancellationToken), cancellationToken).ConfigureAwait(false);
        return new MeterValuesResponse();
    }

    /// <summary>Meter values as the JSON document they are stored as; null for none.</summary>
    public static string? Document(List<MeterValueType>? meterValues) =>
        meterValues is { Count: > 0 } ? JsonSerializer.Serialize(meterValues, OcppJsonContext.Default.ListMeterValueType) : null;

    /// <summary>Meter values from their stored document.</summary>
    public static List<MeterValueType> FromDocument(string document) =>
        JsonSerializer.Deserialize(document, OcppJsonContext.Default.ListMeterValueType) ?? [];

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
