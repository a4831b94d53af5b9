using Ohm.Ocpp.Messages;

namespace Ohm.Station.Blocks;

/// <summary>J: meter values. Samples the simulated meter for the measurands a variable lists; clock-aligned values per AlignedDataCtrlr (J01, J02).</summary>
public sealed class Metering
{
    private const decimal Voltage = 230m;
    private readonly ChargingStation _station;
    private DateTimeOffset? _lastAligned;

    internal Metering(ChargingStation station) => _station = station;

    /// <summary>Adds the energy delivered since the last update to the EVSE's register.</summary>
    internal static void Accumulate(Evse evse, DateTimeOffset now)
    {
        var seconds = (decimal)(now - evse.LastEnergyUpdate).TotalSeconds;
        evse.LastEnergyUpdate = now;
        if (seconds > 0 && evse.PowerW > 0)
        {
            evse.EnergyWh += evse.PowerW * seconds / 3600m;

            // TimeSpentCharging: the time energy flowed, not the time since the transaction started.
            if (evse.Transaction is { } tx)
            {
                tx.ChargingSeconds += (double)seconds;
            }
        }
    }

    /// <summary>A meter value with the measurands listed in <paramref name="component"/>.<paramref name="variable"/>; null when it lists none.</summary>
    internal MeterValueType? Sample(Evse evse, string component, string variable, ReadingContextEnumType context, DateTimeOffset? timestamp = null)
    {
        var measurands = _station.Model.List(component, variable);
        var values = new List<SampledValueType>();
        foreach (var name in measurands)
        {
            var (measurand, value, unit, location) = Read(name, evse);
            if (measurand is null)
            {
                continue;
            }

            values.Add(new SampledValueType
            {
                Value = Math.Round(value, 3),
                Context = context,
                Measurand = measurand,
                Location = location,
                UnitOfMeasure = new UnitOfMeasureType { Unit = unit },
            });
        }

        return values.Count == 0 ? null : new MeterValueType { Timestamp = timestamp ?? _station.Now, SampledValue = values };
    }

    private static (MeasurandEnumType? Measurand, decimal Value, string Unit, LocationEnumType? Location) Read(string name, Evse evse) => name switch
    {
        "Energy.Active.Import.Register" => (MeasurandEnumType.EnergyActiveImportRegister, evse.EnergyWh, "Wh", null),
        "Power.Active.Import" => (MeasurandEnumType.PowerActiveImport, evse.PowerW, "W", null),
        "Current.Import" => (MeasurandEnumType.CurrentImport, evse.PowerW / (Voltage * 3), "A", null),
        "Current.Offered" => (MeasurandEnumType.CurrentOffered, 32m, "A", null),
        "Voltage" => (MeasurandEnumType.Voltage, Voltage, "V", null),
        "SoC" => (MeasurandEnumType.SoC, Math.Min(100m, 20m + (evse.EnergyWh / 600m)), "Percent", LocationEnumType.EV),
        _ => (null, 0m, "", null),
    };

    /// <summary>J01: clock-aligned values at each AlignedDataCtrlr.Interval boundary. Called under the gate.</summary>
    internal void Tick(DateTimeOffset now)
    {
        var model = _station.Model;
        var interval = model.Number("AlignedDataCtrlr", "Interval", 0);
        if (interval <= 0 || !model.Flag("AlignedDataCtrlr", "Enabled", true))
        {
            _lastAligned = now;
            return;
        }

        var boundary = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() / interval * interval);
        _lastAligned ??= now;
        if (_lastAligned >= boundary)
        {
            return;
        }

        _lastAligned = now;
        foreach (var evse in _station.Evses.Values)
        {
            if (evse.Transaction is { } tx && model.Number("AlignedDataCtrlr", "TxEndedInterval", 0) is > 0 and var endedInterval
                && now.ToUnixTimeSeconds() % endedInterval < interval
                && Sample(evse, "AlignedDataCtrlr", "TxEndedMeasurands", ReadingContextEnumType.SampleClock, boundary) is { } ended)
            {
                tx.EndedSamples.Add(ended);
            }

            // J01: a clock-aligned value is stamped with the boundary it belongs to, not the moment the tick ran.
            var meter = Sample(evse, "AlignedDataCtrlr", "Measurands", ReadingContextEnumType.SampleClock, boundary);
            if (meter is null)
            {
                continue;
            }

            if (evse.Transaction is not null)
            {
                _station.Transactions.Emit(evse, TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValueClock, meter: meter);
            }
            else if (model.Flag("AlignedDataCtrlr", "SendDuringIdle", false))
            {
                _station.Enqueue(new MeterValuesRequest { EvseId = evse.Id, MeterValue = [meter] });
            }
        }
    }

    /// <summary>F06: a triggered MeterValues of one EVSE, or all.</summary>
    internal void SendTriggered(int? evseId)
    {
        foreach (var evse in _station.Evses.Values.Where(e => evseId is null || e.Id == evseId))
        {
            var meter = Sample(evse, "AlignedDataCtrlr", "Measurands", ReadingContextEnumType.Trigger)
                ?? Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.Trigger);
            if (meter is not null)
            {
                _station.Enqueue(new MeterValuesRequest { EvseId = evse.Id, MeterValue = [meter] });
            }
        }
    }
}
