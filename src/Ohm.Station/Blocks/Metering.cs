using Ohm.Ocpp.Messages;
using Ohm.Station.Context;
using Ohm.Station.Hardware;

namespace Ohm.Station.Blocks;

/// <summary>J: meter values. Reads the meter (IEnergyMeter) and the EV (IEvCommunication) for the measurands a variable lists; clock-aligned values per AlignedDataCtrlr (J01, J02).</summary>
public sealed class Metering
{
    private readonly IStationContext _context;
    private readonly TransactionEvents _events;
    private DateTimeOffset? _lastAligned;

    internal Metering(IStationContext context, TransactionEvents events)
    {
        _context = context;
        _events = events;
    }

    /// <summary>
    /// Brings the EVSE's register and power up to date from its meter, and counts the time energy flowed since the last
    /// update as TimeSpentCharging. Call under the gate, and before the power path changes.
    /// </summary>
    internal void Accumulate(Evse evse, DateTimeOffset now)
    {
        var seconds = (now - evse.LastEnergyUpdate).TotalSeconds;
        evse.LastEnergyUpdate = now;
        var hardware = _context.Hardware;
        if (seconds > 0 && evse.Transaction is { } tx && hardware.PowerPath.EnergyFlows(evse.Id))
        {
            // TimeSpentCharging: the time energy flowed, not the time since the transaction started.
            tx.ChargingSeconds += seconds;
        }

        evse.EnergyWh = hardware.Meter.Read(evse.Id, MeasurandEnumType.EnergyActiveImportRegister)?.Value ?? evse.EnergyWh;
        evse.PowerW = hardware.Meter.Read(evse.Id, MeasurandEnumType.PowerActiveImport)?.Value ?? 0m;
    }

    /// <summary>A meter value with the measurands listed in <paramref name="component"/>.<paramref name="variable"/>; null when it lists none.</summary>
    internal MeterValueType? Sample(Evse evse, string component, string variable, ReadingContextEnumType context, DateTimeOffset? timestamp = null)
    {
        var measurands = _context.Model.List(component, variable);

        // SignReadings: the meter's signature goes with the reading, when the meter signed it.
        var signed = _context.Model.Flag(component, "SignReadings", false);
        var values = new List<SampledValueType>();
        foreach (var name in measurands)
        {
            if (Read(name, evse) is not var (measurand, reading))
            {
                continue;
            }

            values.Add(new SampledValueType
            {
                Value = Math.Round(reading.Value, 3),
                Context = context,
                Measurand = measurand,
                Location = reading.Location,
                UnitOfMeasure = new UnitOfMeasureType { Unit = reading.Unit },
                SignedMeterValue = signed ? reading.Signature : null,
            });
        }

        return values.Count == 0 ? null : new MeterValueType { Timestamp = timestamp ?? _context.Now, SampledValue = values };
    }

    /// <summary>Reads a measurand: the EV's state of charge from the EV, everything else from the meter; null when neither measures it.</summary>
    private (MeasurandEnumType Measurand, MeterReading Reading)? Read(string name, Evse evse)
    {
        // The OCPP names are the enum names with dots ("Energy.Active.Import.Register").
        if (!Enum.TryParse<MeasurandEnumType>(name.Replace(".", "", StringComparison.Ordinal), out var measurand))
        {
            return null;
        }

        var hardware = _context.Hardware;
        var reading = measurand == MeasurandEnumType.SoC
            ? hardware.Ev.StateOfCharge(evse.Id) is { } soc ? new MeterReading(soc, "Percent", LocationEnumType.EV) : null
            : hardware.Meter.Read(evse.Id, measurand);
        return reading is null ? null : (measurand, reading);
    }

    /// <summary>J01: clock-aligned values at each AlignedDataCtrlr.Interval boundary. Called under the gate.</summary>
    internal void Tick(DateTimeOffset now)
    {
        var model = _context.Model;
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
        foreach (var evse in _context.Evses.Values)
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
                _events.Emit(evse, TransactionEventEnumType.Updated, TriggerReasonEnumType.MeterValueClock, meter: meter);
            }
            else if (model.Flag("AlignedDataCtrlr", "SendDuringIdle", false))
            {
                _context.Enqueue(new MeterValuesRequest { EvseId = evse.Id, MeterValue = [meter] });
            }
        }
    }

    /// <summary>F06: a triggered MeterValues of one EVSE, or all.</summary>
    internal void SendTriggered(int? evseId)
    {
        foreach (var evse in _context.Evses.Values.Where(e => evseId is null || e.Id == evseId))
        {
            var meter = Sample(evse, "AlignedDataCtrlr", "Measurands", ReadingContextEnumType.Trigger)
                ?? Sample(evse, "SampledDataCtrlr", "TxUpdatedMeasurands", ReadingContextEnumType.Trigger);
            if (meter is not null)
            {
                _context.Enqueue(new MeterValuesRequest { EvseId = evse.Id, MeterValue = [meter] });
            }
        }
    }
}
