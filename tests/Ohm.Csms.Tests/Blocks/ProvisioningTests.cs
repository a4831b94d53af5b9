using Microsoft.EntityFrameworkCore;
using Ohm.Csms.Sessions;
using Ohm.Csms.Storage.Entities;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;

namespace Ohm.Csms.Tests.Blocks;

/// <summary>Block B, Provisioning, on the CSMS side: boot, reports and variables, with the wire faked and the clock injected.</summary>
public sealed class ProvisioningTests
{
    private static readonly DateTimeOffset T0 = BlockTestBed.T0;

    private static BootNotificationRequest Boot(BootReasonEnumType reason = BootReasonEnumType.PowerUp) => new()
    {
        Reason = reason,
        ChargingStation = new ChargingStationType { VendorName = "Ohm", Model = "Unit-1", SerialNumber = "SN-42", FirmwareVersion = "4.2.0", Modem = new ModemType { Iccid = "8931", Imsi = "2040" } },
    };

    private static ReportDataType Item(string component, string variable, string value, string? instance = null, MutabilityEnumType mutability = MutabilityEnumType.ReadWrite) => new()
    {
        Component = new ComponentType { Name = component },
        Variable = new VariableType { Name = variable, Instance = instance },
        VariableAttribute = [new VariableAttributeType { Type = AttributeEnumType.Actual, Value = value, Mutability = mutability }],
    };

    private static NotifyReportRequest Part(int requestId, int seqNo, bool tbc, params ReportDataType[] data) =>
        new() { RequestId = requestId, SeqNo = seqNo, Tbc = tbc, GeneratedAt = T0, ReportData = data.Length == 0 ? null : [.. data] };

    private static Task<StationRecord> StationAsync(BlockTestBed bed, string stationId) =>
        bed.ReadAsync(db => db.Stations.AsNoTracking().SingleAsync(s => s.Id == stationId));

    private static Task<List<ReportRecord>> ReportsAsync(BlockTestBed bed, string stationId) =>
        bed.ReadAsync(db => db.Reports.AsNoTracking().Where(r => r.StationId == stationId).OrderBy(r => r.Id).ToListAsync());

    private static Task<List<DeviceVariableRecord>> VariablesAsync(BlockTestBed bed, string stationId) =>
        bed.ReadAsync(db => db.DeviceVariables.AsNoTracking().Include(v => v.Attributes).Where(v => v.StationId == stationId).ToListAsync());

    private static async Task<string?> ActualAsync(BlockTestBed bed, string stationId, string component, string variable) =>
        (await VariablesAsync(bed, stationId)).SingleOrDefault(v => v.ComponentName == component && v.VariableName == variable)?.Attributes.SingleOrDefault(a => a.Type == "Actual")?.Value;

    /// <summary>Stores the station's DeviceDataCtrlr limits as a report would.</summary>
    private static Task<NotifyReportResponse> LimitsAsync(BlockTestBed bed, StationSession station, string instance, int? items = null, int? bytes = null)
    {
        var data = new List<ReportDataType>();
        if (items is { } n)
        {
            data.Add(Item("DeviceDataCtrlr", "ItemsPerMessage", n.ToString(System.Globalization.CultureInfo.InvariantCulture), instance, MutabilityEnumType.ReadOnly));
        }

        if (bytes is { } b)
        {
            data.Add(Item("DeviceDataCtrlr", "BytesPerMessage", b.ToString(System.Globalization.CultureInfo.InvariantCulture), instance, MutabilityEnumType.ReadOnly));
        }

        return bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(1, 0, false, [.. data]));
    }

    private static SetVariableDataType Set(string component, string variable, string value) =>
        new() { Component = new ComponentType { Name = component }, Variable = new VariableType { Name = variable }, AttributeValue = value };

    private static SetVariablesResponse AcceptAllBut(SetVariablesRequest request, params string[] rejected) => new()
    {
        SetVariableResult = [.. request.SetVariableData.Select(d => new SetVariableResultType
        {
            Component = d.Component,
            Variable = d.Variable,
            AttributeType = d.AttributeType,
            AttributeStatus = rejected.Contains(d.Variable.Name) ? SetVariableStatusEnumType.Rejected : SetVariableStatusEnumType.Accepted,
        })],
    };

    [Fact]
    public async Task B01_an_accepted_boot_stores_what_the_station_reports_and_answers_the_heartbeat_interval_and_the_CSMS_clock()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Options.HeartbeatInterval = 120;
        await bed.RegisterStationAsync("CS-B01");
        var station = bed.Station("CS-B01", registrationStatus: null);
        bed.Clock.Advance(TimeSpan.FromSeconds(42));

        var response = await bed.HandleAsync(bed.Provisioning.BootNotificationAsync, station, Boot());

        Assert.Equal((RegistrationStatusEnumType.Accepted, 120, T0.AddSeconds(42)), (response.Status, response.Interval, response.CurrentTime));
        Assert.True(station.IsAccepted);
        Assert.Equal(T0.AddSeconds(42), station.LastSeenAt);
        var stored = await StationAsync(bed, "CS-B01");
        Assert.Equal(("Ohm", "Unit-1", "SN-42", "4.2.0", "8931", "2040"), (stored.VendorName, stored.Model, stored.SerialNumber, stored.FirmwareVersion, stored.ModemIccid, stored.ModemImsi));
        Assert.Equal(("PowerUp", (RegistrationStatusEnumType?)RegistrationStatusEnumType.Accepted, (DateTimeOffset?)T0.AddSeconds(42), (DateTimeOffset?)T0.AddSeconds(42)), (stored.LastBootReason, stored.RegistrationStatus, stored.LastBootAt, stored.LastSeenAt));
    }

    [Theory]
    [InlineData("Pending", RegistrationStatusEnumType.Pending)]
    [InlineData("Rejected", RegistrationStatusEnumType.Rejected)]
    public async Task B02_B03_a_Pending_or_Rejected_boot_is_answered_with_the_boot_retry_interval_and_the_station_is_not_accepted(string policy, RegistrationStatusEnumType expected)
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Options.HeartbeatInterval = 120;
        bed.Options.BootRetryInterval = 15;
        await bed.RegisterStationAsync("CS-B02", bootPolicy: policy);
        var station = bed.Station("CS-B02", registrationStatus: null);

        var response = await bed.HandleAsync(bed.Provisioning.BootNotificationAsync, station, Boot());

        Assert.Equal((expected, 15, T0), (response.Status, response.Interval, response.CurrentTime));
        Assert.False(station.IsAccepted);
        Assert.Equal(policy, station.RegistrationStatus);
        Assert.Equal(expected, (await StationAsync(bed, "CS-B02")).RegistrationStatus);
    }

    [Fact]
    public async Task B02_a_Pending_station_is_Accepted_at_its_next_boot_once_its_policy_changes()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.RegisterStationAsync("CS-B02b", bootPolicy: "Pending");
        var station = bed.Station("CS-B02b", registrationStatus: null);
        Assert.Equal(RegistrationStatusEnumType.Pending, (await bed.HandleAsync(bed.Provisioning.BootNotificationAsync, station, Boot())).Status);

        await bed.WriteAsync(async db => (await db.Stations.SingleAsync(s => s.Id == "CS-B02b")).BootPolicy = RegistrationStatusEnumType.Accepted);
        bed.Clock.Advance(TimeSpan.FromSeconds(60));
        var response = await bed.HandleAsync(bed.Provisioning.BootNotificationAsync, station, Boot(BootReasonEnumType.Triggered));

        Assert.Equal((RegistrationStatusEnumType.Accepted, 300), (response.Status, response.Interval));
        Assert.True(station.IsAccepted);
        var stored = await StationAsync(bed, "CS-B02b");
        Assert.Equal(("Triggered", T0.AddSeconds(60)), (stored.LastBootReason, stored.LastBootAt));
    }

    [Fact]
    public async Task B07_the_parts_of_a_report_are_assembled_by_requestId_until_the_part_without_tbc()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B07");
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(7, 0, true, Item("OCPPCommCtrlr", "HeartbeatInterval", "300"), Item("OCPPCommCtrlr", "NetworkProfileConnectionAttempts", "3")));
        bed.Clock.Advance(TimeSpan.FromSeconds(5));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(7, 1, true, Item("AuthCtrlr", "Enabled", "true")));

        var open = Assert.Single(await ReportsAsync(bed, "CS-B07"));
        Assert.Equal((false, 2, 1, 3, (DateTimeOffset?)null), (open.Complete, open.PartsReceived, open.LastSeqNo, open.VariablesReported, open.CompletedAt));

        bed.Clock.Advance(TimeSpan.FromSeconds(5));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(7, 2, false, Item("TxCtrlr", "EVConnectionTimeOut", "60")));

        var report = Assert.Single(await ReportsAsync(bed, "CS-B07"));
        Assert.Equal((7, true, 3, 2, 4), (report.RequestId, report.Complete, report.PartsReceived, report.LastSeqNo, report.VariablesReported));
        Assert.Equal((T0, (DateTimeOffset?)T0.AddSeconds(10)), (report.StartedAt, report.CompletedAt));
        Assert.Equal(4, (await VariablesAsync(bed, "CS-B07")).Count);
        Assert.Equal("60", await ActualAsync(bed, "CS-B07", "TxCtrlr", "EVConnectionTimeOut"));
    }

    [Fact]
    public async Task B07_B08_reports_of_different_requestIds_are_kept_apart_and_a_requestId_used_again_starts_a_new_report()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B08");
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(1, 0, true, Item("A", "X", "1")));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(2, 0, false, Item("B", "Y", "2")));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(1, 1, false, Item("A", "Z", "3")));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(1, 0, false));

        var reports = await ReportsAsync(bed, "CS-B08");
        Assert.Equal([(1, 2, 2, true), (2, 1, 1, true), (1, 1, 0, true)], reports.Select(r => (r.RequestId, r.PartsReceived, r.VariablesReported, r.Complete)));
    }

    [Fact]
    public async Task B07_a_later_report_updates_the_stored_variables_with_characteristics_and_attributes_instead_of_adding_them_again()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B07b");
        var item = Item("SampledDataCtrlr", "TxUpdatedInterval", "60");
        item.Component.Evse = new EVSEType { Id = 1 };
        item.VariableCharacteristics = new VariableCharacteristicsType { DataType = DataEnumType.Integer, Unit = "s", MinLimit = 0, MaxLimit = 3600, SupportsMonitoring = false };
        item.VariableAttribute.Add(new VariableAttributeType { Type = AttributeEnumType.Target, Value = "30", Mutability = MutabilityEnumType.ReadOnly, Persistent = true, Constant = true });
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(1, 0, false, item));
        item.VariableAttribute[0].Value = "120";
        bed.Clock.Advance(TimeSpan.FromMinutes(1));
        await bed.HandleAsync(bed.Provisioning.NotifyReportAsync, station, Part(2, 0, false, item));

        var variable = Assert.Single(await VariablesAsync(bed, "CS-B07b"));
        Assert.Equal((1, 0, "integer", "s", 0m, 3600m, false), (variable.EvseId, variable.ConnectorId, variable.DataType, variable.Unit, variable.MinLimit, variable.MaxLimit, variable.SupportsMonitoring));
        Assert.Equal(T0.AddMinutes(1), variable.UpdatedAt);
        var actual = Assert.Single(variable.Attributes, a => a.Type == "Actual");
        Assert.Equal(("120", "ReadWrite"), (actual.Value, actual.Mutability));
        var target = Assert.Single(variable.Attributes, a => a.Type == "Target");
        Assert.Equal(("30", "ReadOnly", true, true), (target.Value, target.Mutability, target.Persistent, target.Constant));
    }

    [Fact]
    public async Task B05_set_variables_are_split_by_ItemsPerMessage_merged_in_order_and_only_accepted_values_stored()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B05");
        await LimitsAsync(bed, station, "SetVariables", items: 2);
        await LimitsAsync(bed, station, "GetVariables", items: 1);
        bed.Router.Answer<SetVariablesRequest, SetVariablesResponse>(r => AcceptAllBut(r, "V3"));
        var data = Enumerable.Range(1, 5).Select(i => Set("Ctrlr", $"V{i}", $"value-{i}")).ToList();

        var response = await bed.Provisioning.SetVariablesAsync("CS-B05", data, CancellationToken.None);

        Assert.Equal([2, 2, 1], bed.Router.Requests<SetVariablesRequest>().Select(r => r.SetVariableData.Count));
        Assert.Equal(["V1", "V2", "V3", "V4", "V5"], response.SetVariableResult.Select(r => r.Variable.Name));
        Assert.Equal(SetVariableStatusEnumType.Rejected, response.SetVariableResult[2].AttributeStatus);
        Assert.Equal("value-1", await ActualAsync(bed, "CS-B05", "Ctrlr", "V1"));
        Assert.Equal("value-5", await ActualAsync(bed, "CS-B05", "Ctrlr", "V5"));
        Assert.Null(await ActualAsync(bed, "CS-B05", "Ctrlr", "V3"));
    }

    [Fact]
    public async Task B05_set_variables_are_split_by_BytesPerMessage_so_that_no_frame_is_longer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B05b");
        await LimitsAsync(bed, station, "SetVariables", bytes: 400);
        bed.Router.Answer<SetVariablesRequest, SetVariablesResponse>(r => AcceptAllBut(r));
        var data = Enumerable.Range(1, 10).Select(i => Set("Ctrlr", $"Variable{i}", new string('x', 40))).ToList();

        var response = await bed.Provisioning.SetVariablesAsync("CS-B05b", data, CancellationToken.None);

        var calls = bed.Router.Calls;
        Assert.True(calls.Count > 1, "ten items of about 100 bytes do not fit in one 400-byte frame");
        Assert.All(calls, c => Assert.True(c.Payload.Length + 58 <= 400, $"a payload of {c.Payload.Length} bytes in a frame of at most 400"));
        Assert.Equal(10, calls.Sum(c => ((SetVariablesRequest)c.Request!).SetVariableData.Count));
        Assert.Equal(10, response.SetVariableResult.Count);
    }

    [Fact]
    public async Task B05_with_no_limits_stored_or_reported_all_variables_go_in_one_request()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.BootedStationAsync("CS-B05c");

        // The CSMS asks the station for its DeviceDataCtrlr limits first; this station does not know them.
        bed.Router.Answer<GetVariablesRequest, GetVariablesResponse>(r => new GetVariablesResponse
        {
            GetVariableResult = [.. r.GetVariableData.Select(d => new GetVariableResultType { AttributeStatus = GetVariableStatusEnumType.UnknownVariable, Component = d.Component, Variable = d.Variable })],
        });
        bed.Router.Answer<SetVariablesRequest, SetVariablesResponse>(r => AcceptAllBut(r));
        await bed.Provisioning.SetVariablesAsync("CS-B05c", [.. Enumerable.Range(1, 30).Select(i => Set("C", $"V{i}", "1"))], CancellationToken.None);
        Assert.Equal(30, Assert.Single(bed.Router.Requests<SetVariablesRequest>()).SetVariableData.Count);
    }

    [Fact]
    public async Task B05_values_the_station_accepted_before_a_later_part_failed_are_still_stored()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B05d");
        await LimitsAsync(bed, station, "SetVariables", items: 2);
        var parts = 0;
        bed.Router.Answer<SetVariablesRequest, SetVariablesResponse>(r =>
            ++parts == 1 ? AcceptAllBut(r) : throw new OcppCallErrorException("SetVariables", OcppErrorCode.InternalError, "broke"));

        await Assert.ThrowsAsync<OcppCallErrorException>(
            () => bed.Provisioning.SetVariablesAsync("CS-B05d", [Set("C", "V1", "a"), Set("C", "V2", "b"), Set("C", "V3", "c")], CancellationToken.None));

        // The station applied V1 and V2: the stored device model must say so.
        Assert.Equal("a", await ActualAsync(bed, "CS-B05d", "C", "V1"));
        Assert.Equal("b", await ActualAsync(bed, "CS-B05d", "C", "V2"));
        Assert.Null(await ActualAsync(bed, "CS-B05d", "C", "V3"));
    }

    [Fact]
    public async Task B06_get_variables_are_split_by_their_own_ItemsPerMessage_and_merged_in_order()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        var station = await bed.BootedStationAsync("CS-B06");
        await LimitsAsync(bed, station, "GetVariables", items: 3);
        await LimitsAsync(bed, station, "SetVariables", items: 1);
        bed.Router.Answer<GetVariablesRequest, GetVariablesResponse>(r => new GetVariablesResponse
        {
            GetVariableResult = [.. r.GetVariableData.Select(d => new GetVariableResultType { Component = d.Component, Variable = d.Variable, AttributeStatus = GetVariableStatusEnumType.Accepted, AttributeValue = d.Variable.Name + "!" })],
        });
        var data = Enumerable.Range(1, 7).Select(i => new GetVariableDataType { Component = new ComponentType { Name = "C" }, Variable = new VariableType { Name = $"V{i}" } }).ToList();

        var response = await bed.Provisioning.GetVariablesAsync("CS-B06", data, CancellationToken.None);

        Assert.Equal([3, 3, 1], bed.Router.Requests<GetVariablesRequest>().Select(r => r.GetVariableData.Count));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"V{i}!"), response.GetVariableResult.Select(r => r.AttributeValue));
    }

    [Fact]
    public async Task B05_B06_a_station_that_is_not_connected_gets_nothing_and_nothing_is_stored()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        await bed.RegisterStationAsync("CS-B05-off");
        await Assert.ThrowsAsync<StationNotConnectedException>(() => bed.Provisioning.SetVariablesAsync("CS-B05-off", [Set("C", "V", "1")], CancellationToken.None));
        await Assert.ThrowsAsync<StationNotConnectedException>(
            () => bed.Provisioning.GetVariablesAsync("CS-B05-off", [new GetVariableDataType { Component = new ComponentType { Name = "C" }, Variable = new VariableType { Name = "V" } }], CancellationToken.None));
        Assert.Empty(bed.Router.Calls);
        Assert.Empty(await VariablesAsync(bed, "CS-B05-off"));
    }

    [Fact]
    public async Task B07_B08_each_report_request_gets_a_new_requestId_that_is_sent_and_returned_with_the_station_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-B07c");
        bed.Router.Answer<GetBaseReportRequest, GetBaseReportResponse>(new GetBaseReportResponse { Status = GenericDeviceModelStatusEnumType.Accepted });
        bed.Router.Answer<GetReportRequest, GetReportResponse>(new GetReportResponse { Status = GenericDeviceModelStatusEnumType.EmptyResultSet });

        var (firstId, firstStatus) = await bed.Provisioning.GetBaseReportAsync("CS-B07c", ReportBaseEnumType.FullInventory, CancellationToken.None);
        var (secondId, secondStatus) = await bed.Provisioning.GetReportAsync("CS-B07c", [ComponentCriterionEnumType.Problem], null, CancellationToken.None);

        Assert.NotEqual(firstId, secondId);
        Assert.True(firstId >= 0 && secondId >= 0);
        Assert.Equal((GenericDeviceModelStatusEnumType.Accepted, GenericDeviceModelStatusEnumType.EmptyResultSet), (firstStatus, secondStatus));
        var baseReport = Assert.Single(bed.Router.Requests<GetBaseReportRequest>());
        Assert.Equal((firstId, ReportBaseEnumType.FullInventory), (baseReport.RequestId, baseReport.ReportBase));
        var custom = Assert.Single(bed.Router.Requests<GetReportRequest>());
        Assert.Equal(secondId, custom.RequestId);
        Assert.Equal([ComponentCriterionEnumType.Problem], custom.ComponentCriteria!);
    }

    [Fact]
    public async Task B11_B12_reset_sends_its_type_and_EVSE_and_returns_the_station_answer()
    {
        await using var bed = await BlockTestBed.CreateAsync();
        bed.Station("CS-B11");
        bed.Router.Answer<ResetRequest, ResetResponse>(r => new ResetResponse { Status = r.EvseId is null ? ResetStatusEnumType.Accepted : ResetStatusEnumType.Scheduled });

        var station = await bed.Provisioning.ResetAsync("CS-B11", ResetEnumType.Immediate, null, CancellationToken.None);
        var evse = await bed.Provisioning.ResetAsync("CS-B11", ResetEnumType.OnIdle, 2, CancellationToken.None);

        Assert.Equal((ResetStatusEnumType.Accepted, ResetStatusEnumType.Scheduled), (station.Status, evse.Status));
        Assert.Equal([(ResetEnumType.Immediate, (int?)null), (ResetEnumType.OnIdle, 2)], bed.Router.Requests<ResetRequest>().Select(r => (r.Type, r.EvseId)));
    }
}
