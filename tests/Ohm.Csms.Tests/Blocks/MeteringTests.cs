using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Blocks;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block J, Meter values, on the CSMS side, its handler called directly with the wire faked and the clock injected.</summary>
public sealed class MeteringTests
{
    private static MeterValueType Reading(DateTimeOffset at, decimal wh) => new()
    {
        Timestamp = at,
        SampledValue =
        [
            new SampledValueType { Value = wh, Measurand = MeasurandEnumType.EnergyActiveImportRegister, Context = ReadingContextEnumType.SampleClock, UnitOfMeasure = new UnitOfMeasureType { Unit = "Wh" } },
            new SampledValueType { Value = 230.5m, Measurand = MeasurandEnumType.Voltage, Phase = PhaseEnumType.L1N, Location = LocationEnumType.Outlet },
        ],
    };

    [Fact]
    public async Task J01_meter_values_outside_a_transaction_are_stored_as_sent_with_the_CSMS_receipt_time()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-J01");
        bed.Clock.Advance(TimeSpan.FromMinutes(15));
        var request = new MeterValuesRequest { EvseId = 2, MeterValue = [Reading(BlockTestBed.T0, 1000), Reading(BlockTestBed.T0.AddMinutes(15), 1750.25m)] };

        await bed.HandleAsync(bed.Metering.MeterValuesAsync, station, request);

        var row = Assert.Single(await bed.ReadAsync(db => db.MeterValues.AsNoTracking().ToListAsync()));
        Assert.Equal(("CS-J01", 2, BlockTestBed.T0.AddMinutes(15)), (row.StationId, row.EvseId, row.ReceivedAt));
        var stored = Metering.FromDocument(row.MeterValues);
        Assert.Equal([BlockTestBed.T0, BlockTestBed.T0.AddMinutes(15)], stored.Select(m => m.Timestamp));
        Assert.Equal([1000m, 1750.25m], stored.Select(m => m.SampledValue[0].Value));
        var voltage = stored[1].SampledValue[1];
        Assert.Equal((230.5m, MeasurandEnumType.Voltage, PhaseEnumType.L1N, LocationEnumType.Outlet), (voltage.Value, voltage.Measurand, voltage.Phase, voltage.Location));
        Assert.Equal(ReadingContextEnumType.SampleClock, stored[0].SampledValue[0].Context);
    }

    [Fact]
    public async Task J01_each_message_is_one_row_of_its_station_and_EVSE()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var a = await bed.BootedStationAsync("CS-J01-A");
        var b = await bed.BootedStationAsync("CS-J01-B");
        await bed.HandleAsync(bed.Metering.MeterValuesAsync, a, new MeterValuesRequest { EvseId = 0, MeterValue = [Reading(BlockTestBed.T0, 1)] });
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.HandleAsync(bed.Metering.MeterValuesAsync, a, new MeterValuesRequest { EvseId = 1, MeterValue = [Reading(BlockTestBed.T0, 2)] });
        await bed.HandleAsync(bed.Metering.MeterValuesAsync, b, new MeterValuesRequest { EvseId = 1, MeterValue = [Reading(BlockTestBed.T0, 3)] });

        var rows = await bed.ReadAsync(db => db.MeterValues.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(
            [("CS-J01-A", 0, 1m, BlockTestBed.T0), ("CS-J01-A", 1, 2m, BlockTestBed.T0.AddMinutes(1)), ("CS-J01-B", 1, 3m, BlockTestBed.T0.AddMinutes(1))],
            rows.Select(r => (r.StationId, r.EvseId, Metering.FromDocument(r.MeterValues)[0].SampledValue[0].Value, r.ReceivedAt)));
    }

    public static TheoryData<SampledValueType, decimal?> Registers() => new()
    {
        { new SampledValueType { Value = 1234.5m }, 1234.5m },
        { new SampledValueType { Value = 1234.5m, Measurand = MeasurandEnumType.EnergyActiveImportRegister, UnitOfMeasure = new UnitOfMeasureType { Unit = "Wh" } }, 1234.5m },
        { new SampledValueType { Value = 1.5m, UnitOfMeasure = new UnitOfMeasureType { Unit = "kWh" } }, 1500m },
        { new SampledValueType { Value = 2m, UnitOfMeasure = new UnitOfMeasureType { Unit = "Wh", Multiplier = 3 } }, 2000m },
        { new SampledValueType { Value = 25m, UnitOfMeasure = new UnitOfMeasureType { Unit = "Wh", Multiplier = -1 } }, 2.5m },
        { new SampledValueType { Value = 100m, Phase = PhaseEnumType.L1 }, null },
        { new SampledValueType { Value = 7200m, Measurand = MeasurandEnumType.PowerActiveImport }, null },
        { new SampledValueType { Value = 100m, Measurand = MeasurandEnumType.EnergyActiveExportRegister }, null },
    };

    [Theory]
    [MemberData(nameof(Registers))]
    public void J02_the_energy_register_is_read_in_Wh_from_the_import_register_only(SampledValueType sample, decimal? expectedWh) =>
        Assert.Equal(expectedWh, Metering.ImportRegisterWh(sample));

    [Fact]
    public void No_meter_values_make_no_document()
    {
        Assert.Null(Metering.Document(null));
        Assert.Null(Metering.Document([]));
    }
}
