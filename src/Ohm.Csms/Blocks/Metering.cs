using System.Text;
using System.Text.Json;
using Ohm.Csms.Storage;
using Ohm.Csms.Storage.Entities;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Blocks;

/// <summary>Block J, Meter values, on the CSMS side.</summary>
public sealed class Metering(CsmsWriter writer, TimeProvider time, ISmartChargingSignals? signals = null)
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
            MeterValues = Document(context.Payload, request.MeterValue)!,
        };

        // Not the connection's token inside the work: the statement runs in a batch shared with other stations.
        await writer.ExecuteForStationAsync(context.StationId, db => db.Statements<MeterValueRecord>().InsertAsync(record, CancellationToken.None), cancellationToken).ConfigureAwait(false);
        signals?.MeterValuesStored(context.StationId, request.EvseId);
        return new MeterValuesResponse();
    }

    /// <summary>Meter values as the JSON document they are stored as; null for none.</summary>
    public static string? Document(List<MeterValueType>? meterValues) =>
        meterValues is { Count: > 0 } ? JsonSerializer.Serialize(meterValues, OcppJsonContext.Default.ListMeterValueType) : null;

    /// <summary>
    /// The request's meterValue array exactly as the station wrote it, taken from the payload received: its numbers are
    /// kept as written (7.9e28 with a multiplier, 1e-30), which the typed request's decimal cannot always hold. Without a
    /// payload (a handler called directly) the typed values are serialized. Null for none.
    /// </summary>
    public static string? Document(ReadOnlyMemory<byte> payload, List<MeterValueType>? meterValues)
    {
        if (meterValues is not { Count: > 0 })
        {
            return null;
        }

        return payload.IsEmpty ? Document(meterValues) : RawProperty(payload.Span, "meterValue"u8) ?? Document(meterValues);
    }

    /// <summary>The JSON text of a top-level property of an object, as it is in <paramref name="json"/>; null when absent.</summary>
    internal static string? RawProperty(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(name);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (match)
            {
                return Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]);
            }
        }

        return null;
    }

    /// <summary>Meter values from their stored document.</summary>
    public static List<MeterValueType> FromDocument(string document) =>
        JsonSerializer.Deserialize(document, OcppJsonContext.Default.ListMeterValueType) ?? [];

    /// <summary>The largest register reading, in Wh, that a transaction's energy is computed from (10^27 Wh).</summary>
    private const double MaxRegisterWh = 1e27;

    /// <summary>
    /// The Energy.Active.Import.Register reading of a sampled value in Wh (unit Wh by default, kWh scaled, multiplier
    /// applied), or null when the value is another measurand or a per-phase reading, or a reading beyond 10^27 Wh. Nothing
    /// here can overflow: the magnitude is checked before the decimal is scaled, and a reading in the bound leaves the
    /// difference of two readings in a decimal's range. The reading itself is stored as the station wrote it either way.
    /// </summary>
    public static decimal? ImportRegisterWh(SampledValueType sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        if ((sample.Measurand ?? MeasurandEnumType.EnergyActiveImportRegister) != MeasurandEnumType.EnergyActiveImportRegister || sample.Phase is not null)
        {
            return null;
        }

        var value = sample.Value;
        if (value == 0)
        {
            return 0;
        }

        long exponent = sample.UnitOfMeasure?.Multiplier ?? 0;
        if (string.Equals(sample.UnitOfMeasure?.Unit, "kWh", StringComparison.OrdinalIgnoreCase))
        {
            exponent += 3;
        }

        if (Math.Abs((double)value) * Math.Pow(10, exponent) > MaxRegisterWh)
        {
            return null;
        }

        // Below 10^-28 a decimal holds nothing but 0; a nonzero decimal is at least 10^-28, so exponent is at most 55 here.
        if (exponent < -57)
        {
            return 0;
        }

        for (; exponent > 0; exponent--)
        {
            value *= 10;
        }

        for (; exponent < 0; exponent++)
        {
            value /= 10;
        }

        return value;
    }
}
