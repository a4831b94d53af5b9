using Ohm.Ocpp.Messages;
using Ohm.Station.Hardware;
using Ohm.Station.Simulation;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Engine;

/// <summary>The blocks read the hardware through its seams and never make a value up.</summary>
public sealed class HardwareSeamTests
{
    [Fact]
    public async Task F05_A_lock_that_does_not_open_answers_UnlockFailed()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-LOCK");
        station.Simulator!.FailUnlock(1);
        Assert.Equal(UnlockStatusEnumType.UnlockFailed, (await h.Csms.Call("CS-LOCK", new UnlockConnectorRequest { EvseId = 1, ConnectorId = 1 })).Status);
        station.Simulator.FailUnlock(1, false);
        Assert.Equal(UnlockStatusEnumType.Unlocked, (await h.Csms.Call("CS-LOCK", new UnlockConnectorRequest { EvseId = 1, ConnectorId = 1 })).Status);
    }

    [Fact]
    public async Task E_DataSigned_holds_only_when_the_meter_signed_a_value()
    {
        await using var h = await StationHarness.StartAsync();
        var config = StationHarness.Config(c => c.With("TxCtrlr", "TxStartPoint", "DataSigned"));
        using var unsigned = new SimulatedHardware { SignsReadings = false };
        var options = h.Options("CS-UNSIGNED", config);
        options.Hardware = StationHardware.Of(unsigned);
        var station = await h.StartStation("CS-UNSIGNED", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        Assert.Null(station.Evses[1].Transaction);
        Assert.True(unsigned.IsClosed(1));
    }

    [Fact]
    public async Task J_SignReadings_sends_the_meters_signed_value_which_verifies_with_its_public_key()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-SIGNED", StationHarness.Config(c => c
            .With("TxCtrlr", "TxStartPoint", "DataSigned")
            .With("SampledDataCtrlr", "SignReadings", "true")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        var register = started.MeterValue![0].SampledValue.Single(v => v.Measurand == MeasurandEnumType.EnergyActiveImportRegister);
        var signed = register.SignedMeterValue!;
        Assert.Equal(MeterSigner.SigningMethod, signed.SigningMethod);
        Assert.Equal(MeterSigner.EncodingMethod, signed.EncodingMethod);
        Assert.Equal(station.Simulator!.Signer.PublicKey, signed.PublicKey);
        Assert.True(MeterSigner.Verify(signed));
    }

    [Fact]
    public async Task J_Meter_values_are_what_the_meter_and_the_EV_report()
    {
        await using var h = await StationHarness.StartAsync();
        using var simulator = new SimulatedHardware { EvReportsSoC = false };
        var hardware = StationHardware.Of(simulator);
        var options = h.Options("CS-METER", StationHarness.Config(c => c.With("SampledDataCtrlr", "TxUpdatedMeasurands", "Voltage,Current.Import,Current.Offered,SoC")));
        options.Hardware = new StationHardware
        {
            Meter = new FixedMeter(simulator),
            ConnectorLock = hardware.ConnectorLock,
            PowerPath = hardware.PowerPath,
            RateControl = hardware.RateControl,
            Display = hardware.Display,
            Ev = hardware.Ev,
            Firmware = hardware.Firmware,
            Sensors = hardware.Sensors,
        };
        var station = await h.StartStation("CS-METER", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await station.Transactions.SampleNowAsync(1);
        var sample = await h.Csms.WaitForEvent(TransactionEventEnumType.Updated, e => e.TriggerReason == TriggerReasonEnumType.MeterValuePeriodic);
        var values = sample.MeterValue![0].SampledValue;

        // The meter has no current sensor and the EV reports no SoC: neither is made up.
        Assert.Equal([MeasurandEnumType.Voltage, MeasurandEnumType.CurrentOffered], values.Select(v => v.Measurand!.Value));
        Assert.Equal(400m, values[0].Value);
        Assert.Equal(16m, values[1].Value);
        Assert.Contains("EVSE 1: Authorized", simulator.Displayed);
    }

    [Fact]
    public void The_simulated_meter_integrates_the_EVs_power_while_the_relay_is_closed_and_derives_current()
    {
        var clock = FakeClock.Create();
        using var simulator = new SimulatedHardware(clock, defaultEvPowerW: 6900);
        simulator.SetPlugged(1, true);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0m, simulator.Read(1, MeasurandEnumType.EnergyActiveImportRegister)!.Value);
        simulator.Close(1);
        Assert.True(simulator.EnergyFlows(1));
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(3450m, simulator.Read(1, MeasurandEnumType.EnergyActiveImportRegister)!.Value);
        Assert.Equal(10m, simulator.Read(1, MeasurandEnumType.CurrentImport)!.Value);
        simulator.Open(1);
        clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(3450m, simulator.Read(1, MeasurandEnumType.EnergyActiveImportRegister)!.Value);
        Assert.Equal(0m, simulator.Read(1, MeasurandEnumType.PowerActiveImport)!.Value);
    }

    /// <summary>A meter with a voltage sensor and a fixed offer, and no current sensor; the register comes from the simulator.</summary>
    private sealed class FixedMeter(IEnergyMeter register) : IEnergyMeter
    {
        public MeterReading? Read(int evseId, MeasurandEnumType measurand) => measurand switch
        {
            MeasurandEnumType.Voltage => new MeterReading(400m, "V"),
            MeasurandEnumType.CurrentOffered => new MeterReading(16m, "A"),
            MeasurandEnumType.EnergyActiveImportRegister or MeasurandEnumType.PowerActiveImport => register.Read(evseId, measurand),
            _ => null,
        };
    }
}
