using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.DeviceModel;

public sealed class DeviceModelTests
{
    private static SetVariableDataType SetData(string component, string variable, string value, string? instance = null, AttributeEnumType? type = null, int? evse = null) => new()
    {
        Component = new ComponentType { Name = component, Evse = evse is null ? null : new EVSEType { Id = evse.Value } },
        Variable = new VariableType { Name = variable, Instance = instance },
        AttributeValue = value,
        AttributeType = type,
    };

    private static GetVariableDataType GetData(string component, string variable, string? instance = null, AttributeEnumType? type = null, int? evse = null, int? connector = null) => new()
    {
        Component = new ComponentType { Name = component, Evse = evse is null ? null : new EVSEType { Id = evse.Value, ConnectorId = connector } },
        Variable = new VariableType { Name = variable, Instance = instance },
        AttributeType = type,
    };

    [Fact]
    public async Task B05_SetVariables_answers_every_status()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-B05");
        var response = await h.Csms.Call("CS-B05", new SetVariablesRequest
        {
            SetVariableData =
            [
                SetData("OCPPCommCtrlr", "HeartbeatInterval", "120"),
                SetData("ChargingStation", "Model", "X"),
                SetData("OCPPCommCtrlr", "HeartbeatInterval", "0"),
                SetData("TxCtrlr", "TxStartPoint", "EVConnected,Sometimes"),
                SetData("NoSuchCtrlr", "Enabled", "true"),
                SetData("OCPPCommCtrlr", "NoSuchVariable", "1"),
                SetData("OCPPCommCtrlr", "HeartbeatInterval", "1", type: AttributeEnumType.Target),
                SetData("SecurityCtrlr", "BasicAuthPassword", "a-new-password-1234"),
                SetData("AuthCtrlr", "LocalPreAuthorize", "yes"),
                SetData("EVSE", "Available", "true", evse: 7),
            ],
        });
        Assert.Equal(
            [
                SetVariableStatusEnumType.Accepted,
                SetVariableStatusEnumType.Rejected,
                SetVariableStatusEnumType.Rejected,
                SetVariableStatusEnumType.Rejected,
                SetVariableStatusEnumType.UnknownComponent,
                SetVariableStatusEnumType.UnknownVariable,
                SetVariableStatusEnumType.NotSupportedAttributeType,
                SetVariableStatusEnumType.Accepted,
                SetVariableStatusEnumType.Rejected,
                SetVariableStatusEnumType.UnknownComponent,
            ],
            response.SetVariableResult.Select(r => r.AttributeStatus));
    }

    [Fact]
    public async Task B06_GetVariables_answers_every_status_and_hides_write_only_values()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-B06");
        var response = await h.Csms.Call("CS-B06", new GetVariablesRequest
        {
            GetVariableData =
            [
                GetData("OCPPCommCtrlr", "MessageTimeout", "Default"),
                GetData("Connector", "ConnectorType", evse: 2, connector: 1),
                GetData("SecurityCtrlr", "BasicAuthPassword"),
                GetData("NoSuchCtrlr", "Enabled"),
                GetData("AuthCtrlr", "NoSuchVariable"),
                GetData("ChargingStation", "Power", type: AttributeEnumType.MaxSet),
                GetData("OCPPCommCtrlr", "HeartbeatInterval", type: AttributeEnumType.MinSet),
                GetData("ClockCtrlr", "DateTime"),
            ],
        });
        var results = response.GetVariableResult;
        Assert.Equal(
            [
                GetVariableStatusEnumType.Accepted,
                GetVariableStatusEnumType.Accepted,
                GetVariableStatusEnumType.Rejected,
                GetVariableStatusEnumType.UnknownComponent,
                GetVariableStatusEnumType.UnknownVariable,
                GetVariableStatusEnumType.Accepted,
                GetVariableStatusEnumType.NotSupportedAttributeType,
                GetVariableStatusEnumType.Accepted,
            ],
            results.Select(r => r.AttributeStatus));
        Assert.InRange(DateTimeOffset.Parse(results[7].AttributeValue!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal("30", results[0].AttributeValue);
        Assert.Equal("cType2", results[1].AttributeValue);
        Assert.Null(results[2].AttributeValue);
        Assert.Equal("44000", results[5].AttributeValue);
    }

    [Fact]
    public async Task B06_More_items_than_ItemsPerMessageGetVariables_is_a_CALLERROR()
    {
        await using var h = await StationHarness.StartAsync();
        await h.StartStation("CS-B06-MAX");
        var error = await Assert.ThrowsAsync<OcppCallErrorException>(() => h.Csms.Call("CS-B06-MAX", new GetVariablesRequest
        {
            GetVariableData = Enumerable.Range(0, 21).Select(_ => GetData("OCPPCommCtrlr", "HeartbeatInterval")).ToList(),
        }));
        Assert.Equal(Ocpp.OcppErrorCode.OccurrenceConstraintViolation, error.Code);
    }

    [Fact]
    public async Task B05_A_set_HeartbeatInterval_takes_effect_and_survives_a_restart()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-HB");
        Assert.Empty(h.Csms.Of<HeartbeatRequest>());
        var response = await h.Csms.Call("CS-HB", new SetVariablesRequest { SetVariableData = [SetData("OCPPCommCtrlr", "HeartbeatInterval", "1")] });
        Assert.Equal(SetVariableStatusEnumType.Accepted, response.SetVariableResult[0].AttributeStatus);
        await TestCsms.Until(() => h.Csms.Of<HeartbeatRequest>().Count >= 2, "heartbeats at the new interval");
        await station.StopAsync();

        // Restart from the same data folder: the boot answer (interval 300) is not persisted, the set value is.
        var again = new ChargingStation(h.Options("CS-HB"), h.Logs);
        await again.StartAsync();
        try
        {
            Assert.Equal("1", again.Model.Value("OCPPCommCtrlr", "HeartbeatInterval"));
        }
        finally
        {
            await again.DisposeAsync();
        }
    }

    [Fact]
    public async Task B07_GetBaseReport_FullInventory_reports_the_whole_model_in_parts_of_ItemsPerMessage_with_seqNo_and_tbc()
    {
        await using var h = await StationHarness.StartAsync();
        var config = StationHarness.Config();
        config.Components.First(c => c.Name == "DeviceDataCtrlr").Variables.First(v => v.Name == "ItemsPerMessage" && v.Instance == "GetReport").Value = "10";
        var station = await h.StartStation("CS-B07", config);
        var response = await h.Csms.Call("CS-B07", new GetBaseReportRequest { RequestId = 42, ReportBase = ReportBaseEnumType.FullInventory });
        Assert.Equal(GenericDeviceModelStatusEnumType.Accepted, response.Status);
        await h.Csms.WaitFor<NotifyReportRequest>(r => r.Tbc == false);
        var parts = h.Csms.Of<NotifyReportRequest>().Where(r => r.RequestId == 42).ToList();
        Assert.Equal(Enumerable.Range(0, parts.Count), parts.Select(p => p.SeqNo));
        Assert.All(parts.SkipLast(1), p => Assert.True(p.Tbc));
        Assert.All(parts, p => Assert.InRange(p.ReportData!.Count, 1, 10));
        var reported = parts.SelectMany(p => p.ReportData!).ToList();
        Assert.Equal(station.Model.Variables.Count, reported.Count);
        Assert.Contains(reported, r => r.Component.Name == "TxCtrlr" && r.Variable.Name == "TxStartPoint" && r.VariableCharacteristics!.DataType == DataEnumType.MemberList);
        Assert.Contains(reported, r => r.Component.Name == "Connector" && r.Component.Evse!.Id == 2 && r.Component.Evse.ConnectorId == 1);
        var password = reported.Single(r => r.Variable.Name == "BasicAuthPassword");
        Assert.Null(password.VariableAttribute[0].Value);
        Assert.Equal(MutabilityEnumType.WriteOnly, password.VariableAttribute[0].Mutability);
    }

    [Fact]
    public async Task N04_The_report_says_which_variables_support_monitoring_and_reads_the_live_power_current_and_temperatures()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-N-DM");
        await station.Transactions.PlugInAsync(1);
        await station.Authorization.PresentTokenAsync(1, Drive.Token);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await h.Csms.Call("CS-N-DM", new GetBaseReportRequest { RequestId = 9, ReportBase = ReportBaseEnumType.FullInventory });
        await h.Csms.WaitFor<NotifyReportRequest>(r => r.RequestId == 9 && r.Tbc == false);
        var reported = h.Csms.Of<NotifyReportRequest>().Where(r => r.RequestId == 9).SelectMany(p => p.ReportData!).ToList();
        bool Supports(string component, string variable, int? evse = null) =>
            reported.Single(r => r.Component.Name == component && r.Variable.Name == variable && r.Component.Evse?.Id == evse).VariableCharacteristics!.SupportsMonitoring;

        Assert.True(Supports("AcDcConverter", "Temperature", 1));
        Assert.True(Supports("TemperatureSensor", "Temperature"));
        Assert.True(Supports("EVSE", "Power", 2));
        Assert.True(Supports("OCPPCommCtrlr", "HeartbeatInterval"));
        Assert.False(Supports("SecurityCtrlr", "BasicAuthPassword")); // write-only: nothing to watch
        Assert.False(Supports("AcDcConverter", "DCInputPhaseControl", 1)); // the configuration says so

        // B06: Power and Current come from the meter (EVSE 1 charges at the simulator's 11 kW), temperatures from the sensors.
        var values = await h.Csms.Call("CS-N-DM", new GetVariablesRequest
        {
            GetVariableData =
            [
                GetData("EVSE", "Power", evse: 1), GetData("Connector", "Current", evse: 1, connector: 1), GetData("EVSE", "Power", evse: 2),
                GetData("ChargingStation", "Power"), GetData("AcDcConverter", "Temperature", evse: 1), GetData("TemperatureSensor", "Temperature"),
            ],
        });
        Assert.Equal(["11000", "15.94", "0", "11000"], values.GetVariableResult.Take(4).Select(r => r.AttributeValue));
        Assert.All(values.GetVariableResult.Skip(4), r => Assert.InRange(decimal.Parse(r.AttributeValue!, System.Globalization.CultureInfo.InvariantCulture), 25m, 26m));
    }

    [Fact]
    public async Task B07_ConfigurationInventory_holds_only_writable_variables_and_SummaryInventory_the_availability()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-B07C");
        await h.Csms.Call("CS-B07C", new GetBaseReportRequest { RequestId = 1, ReportBase = ReportBaseEnumType.ConfigurationInventory });
        await h.Csms.Call("CS-B07C", new GetBaseReportRequest { RequestId = 2, ReportBase = ReportBaseEnumType.SummaryInventory });
        await h.Csms.WaitFor<NotifyReportRequest>(r => r.RequestId == 1 && r.Tbc == false);
        await h.Csms.WaitFor<NotifyReportRequest>(r => r.RequestId == 2 && r.Tbc == false);
        var config = h.Csms.Of<NotifyReportRequest>().Where(r => r.RequestId == 1).SelectMany(r => r.ReportData!).ToList();
        Assert.All(config, r => Assert.Contains(r.VariableAttribute, a => a.Mutability != MutabilityEnumType.ReadOnly));
        Assert.Contains(config, r => r.Variable.Name == "HeartbeatInterval");
        var summary = h.Csms.Of<NotifyReportRequest>().Where(r => r.RequestId == 2).SelectMany(r => r.ReportData!).ToList();
        Assert.All(summary, r => Assert.Contains(r.Variable.Name, new[] { "AvailabilityState", "Available", "Problem", "Active", "Enabled" }));
        Assert.Contains(summary, r => r.Component.Name == "EVSE" && r.Variable.Name == "AvailabilityState");
    }

    [Fact]
    public async Task B08_GetReport_filters_by_componentVariable_and_componentCriteria_or_answers_EmptyResultSet()
    {
        await using var h = await StationHarness.StartAsync();
        // SmartChargingCtrlr disabled here, so the Enabled criterion below finds nothing in it.
        await h.StartStation("CS-B08", StationHarness.Config(c => c.With("SmartChargingCtrlr", "Enabled", "false")));
        var one = await h.Csms.Call("CS-B08", new GetReportRequest
        {
            RequestId = 7,
            ComponentVariable =
            [
                new ComponentVariableType { Component = new ComponentType { Name = "TxCtrlr" }, Variable = new VariableType { Name = "TxStopPoint" } },
                new ComponentVariableType { Component = new ComponentType { Name = "EVSE", Evse = new EVSEType { Id = 2 } } },
            ],
        });
        Assert.Equal(GenericDeviceModelStatusEnumType.Accepted, one.Status);
        var report = await h.Csms.WaitFor<NotifyReportRequest>(r => r.RequestId == 7);
        Assert.Contains(report.ReportData!, r => r.Variable.Name == "TxStopPoint");
        Assert.All(report.ReportData!.Where(r => r.Component.Name == "EVSE"), r => Assert.Equal(2, r.Component.Evse!.Id));
        Assert.DoesNotContain(report.ReportData!, r => r.Component.Name == "OCPPCommCtrlr");

        var criteria = await h.Csms.Call("CS-B08", new GetReportRequest { RequestId = 8, ComponentCriteria = [ComponentCriterionEnumType.Enabled], ComponentVariable = [new ComponentVariableType { Component = new ComponentType { Name = "SmartChargingCtrlr" } }] });
        Assert.Equal(GenericDeviceModelStatusEnumType.EmptyResultSet, criteria.Status);
        var none = await h.Csms.Call("CS-B08", new GetReportRequest { RequestId = 9, ComponentVariable = [new ComponentVariableType { Component = new ComponentType { Name = "NoSuchCtrlr" } }] });
        Assert.Equal(GenericDeviceModelStatusEnumType.EmptyResultSet, none.Status);
    }

    [Theory]
    [InlineData(DataEnumType.Integer, null, "5", true)]
    [InlineData(DataEnumType.Integer, null, "5.5", false)]
    [InlineData(DataEnumType.Integer, null, "11", false)]
    [InlineData(DataEnumType.Integer, null, "0", false)]
    [InlineData(DataEnumType.Decimal, null, "9.75", true)]
    [InlineData(DataEnumType.Boolean, null, "true", true)]
    [InlineData(DataEnumType.Boolean, null, "True", false)]
    [InlineData(DataEnumType.DateTime, null, "2026-01-01T00:00:00Z", true)]
    [InlineData(DataEnumType.DateTime, null, "yesterday", false)]
    [InlineData(DataEnumType.OptionList, "A,B,C", "B", true)]
    [InlineData(DataEnumType.OptionList, "A,B,C", "B,C", false)]
    [InlineData(DataEnumType.MemberList, "A,B,C", "C,A", true)]
    [InlineData(DataEnumType.MemberList, "A,B,C", "A,D", false)]
    [InlineData(DataEnumType.SequenceList, "A,B,C", "B,A", true)]
    [InlineData(DataEnumType.SequenceList, "A,B,C", "A,A", false)]
    [InlineData(DataEnumType.String, null, "0123456789", true)]
    [InlineData(DataEnumType.String, null, "0123456789X", false)]
    public void B05_Values_are_checked_against_the_characteristics(DataEnumType type, string? values, string value, bool ok)
    {
        var variable = new DeviceVariable
        {
            Component = new ComponentKey("C"),
            Name = "V",
            DataType = type,
            MinLimit = type is DataEnumType.Integer or DataEnumType.Decimal ? 1 : null,
            MaxLimit = 10,
            ValuesList = values,
            Attributes = [],
        };
        Assert.Equal(ok, variable.Check(value) is null);
    }

    [Fact]
    public void B07_Split_respects_BytesPerMessage()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ohm-dm-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var store = new StationStore(dir))
            {
                var model = new StationDeviceModel(DeviceModelConfig.Builtin(), store);
                var data = model.BaseReport(ReportBaseEnumType.FullInventory);
                var parts = StationDeviceModel.Split(data, 1000, 4000);
                Assert.True(parts.Count > 2);
                Assert.Equal(data.Count, parts.Sum(p => p.Count));
                Assert.All(parts, p => Assert.True(p.Sum(d => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(d, OcppJsonContext.Default.ReportDataType).Length + 1) + 200 <= 4000));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Builtin_DC_fast_charger_config_has_one_EVSE()
    {
        var config = DeviceModelConfig.Builtin("dc-fast");
        Assert.Equal("Ohm DC 150", config.Station.Model);
        Assert.Single(config.Components, c => c.Name == "EVSE");
        Assert.Equal(4, DeviceModelConfig.Builtin().WithEvseCount(4).Components.Count(c => c.Name == "EVSE"));
    }
}
