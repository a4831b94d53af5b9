using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Monitoring;

/// <summary>
/// Block N's monitoring (N02-N06) end to end on the CSMS: the monitoring commands and the monitors list of the API, a real
/// CSMS and a raw Ohm.Ocpp station over loopback WebSockets that holds monitors and reports them in parts.
/// </summary>
public sealed class MonitoringTests
{
    /// <summary>Leaves out what is null: OCPP has no null values.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static TheoryData<string> Databases() => TestDatabases.All();

    private static async Task<MonitoringStation> StationAsync(CsmsTestHost csms, string stationId, Action<MonitoringStation>? setup = null)
    {
        var station = new MonitoringStation();
        setup?.Invoke(station);
        station.Connection = await csms.BootedStationAsync(stationId, station.Handlers());
        return station;
    }

    private static async Task<JsonElement> PostAsync(CsmsTestHost csms, string path, object body, int expected = 200)
    {
        var response = await csms.Api.PostAsJsonAsync(path, body, Json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == expected, $"POST {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<(int Id, string Component, string Variable, string Type, decimal Value, int Severity, bool Transaction, string Source)>> StoredAsync(CsmsTestHost csms, string stationId)
    {
        var page = await csms.GetJsonAsync($"api/stations/{stationId}/monitors");
        return [.. page.GetProperty("items").EnumerateArray().Select(m => (
            m.GetProperty("id").GetInt32(), m.GetProperty("component").GetString()!, m.GetProperty("variable").GetString()!, m.GetProperty("type").GetString()!,
            m.GetProperty("value").GetDecimal(), m.GetProperty("severity").GetInt32(), m.GetProperty("transaction").GetBoolean(), m.GetProperty("source").GetString()!))];
    }

    private static object Monitor(string component, string variable, string type, decimal value, int severity, int? evseId = null, bool? transaction = null, int? id = null) => new
    {
        id,
        component = evseId is { } e ? (object)new { name = component, evse = new { id = e } } : new { name = component },
        variable = new { name = variable },
        type,
        value,
        severity,
        transaction,
    };

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N04_SetVariableMonitoring_is_split_by_ItemsPerMessage_and_stores_each_accepted_monitor_under_the_stations_id(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var station = await StationAsync(csms, "CS-N04", s =>
        {
            s.ItemsPerMessage["SetVariableMonitoring"] = 2;
            s.UnknownComponents.Add("FluxCapacitor");
        });

        var answer = await PostAsync(csms, "api/stations/CS-N04/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[]
            {
                Monitor("AcDcConverter", "Temperature", "UpperThreshold", 80, 2, evseId: 1),
                Monitor("AcDcConverter", "Temperature", "LowerThreshold", -10, 4, evseId: 1),
                Monitor("EVSE", "Power", "Delta", 1000, 7, evseId: 1, transaction: true),
                Monitor("FluxCapacitor", "Flux", "Periodic", 60, 8),
                Monitor("ChargingStation", "Power", "PeriodicClockAligned", 900, 8),
            },
        });

        var results = answer.GetProperty("setMonitoringResult").EnumerateArray().ToList();
        Assert.Equal(["Accepted", "Accepted", "Accepted", "UnknownComponent", "Accepted"], results.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(3, station.Of<SetVariableMonitoringRequest>().Count); // 2 + 2 + 1
        Assert.All(station.Of<SetVariableMonitoringRequest>(), r => Assert.True(r.SetMonitoringData.Count <= 2));

        var stored = await StoredAsync(csms, "CS-N04");
        Assert.Equal(station.Held.Keys.Order(), stored.Select(m => m.Id));
        Assert.Equal(["UpperThreshold", "LowerThreshold", "Delta", "PeriodicClockAligned"], stored.Select(m => m.Type));
        Assert.Equal([80m, -10m, 1000m, 900m], stored.Select(m => m.Value));
        Assert.Equal([2, 4, 7, 8], stored.Select(m => m.Severity));
        Assert.Equal([false, false, true, false], stored.Select(m => m.Transaction));
        Assert.All(stored, m => Assert.Equal("Set", m.Source));

        // N04: a monitor set with an id replaces the one of that id.
        var upper = stored[0].Id;
        await PostAsync(csms, "api/stations/CS-N04/commands/set-variable-monitoring", new { setMonitoringData = new[] { Monitor("AcDcConverter", "Temperature", "UpperThreshold", 85, 1, evseId: 1, id: upper) } });
        var replaced = (await StoredAsync(csms, "CS-N04")).Single(m => m.Id == upper);
        Assert.Equal((85m, 1), (replaced.Value, replaced.Severity));
        Assert.Equal(4, (await StoredAsync(csms, "CS-N04")).Count);
    }

    [Fact]
    public async Task N05_ClearVariableMonitoring_is_split_and_removes_accepted_and_not_found_monitors_but_keeps_rejected_ones()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = await StationAsync(csms, "CS-N05", s => s.ItemsPerMessage["ClearVariableMonitoring"] = 1);
        await PostAsync(csms, "api/stations/CS-N05/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[]
            {
                Monitor("AcDcConverter", "Temperature", "UpperThreshold", 80, 2, evseId: 1),
                Monitor("EVSE", "Power", "Delta", 1000, 7, evseId: 1),
                Monitor("ChargingStation", "Power", "Periodic", 60, 8),
            },
        });
        var ids = (await StoredAsync(csms, "CS-N05")).Select(m => m.Id).ToList();
        station.Protected.Add(ids[2]);
        station.Held.Remove(ids[1]); // the station lost it: NotFound

        var answer = await PostAsync(csms, "api/stations/CS-N05/commands/clear-variable-monitoring", new { id = ids });

        Assert.Equal(["Accepted", "NotFound", "Rejected"], answer.GetProperty("clearMonitoringResult").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(3, station.Of<ClearVariableMonitoringRequest>().Count);
        Assert.Equal([ids[2]], (await StoredAsync(csms, "CS-N05")).Select(m => m.Id));
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N02_GetMonitoringReport_assembles_the_parts_and_an_unfiltered_report_replaces_the_stored_monitors(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        var station = await StationAsync(csms, "CS-N02", s => s.PerPart = 2);
        await PostAsync(csms, "api/stations/CS-N02/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[] { Monitor("EVSE", "Power", "Delta", 1000, 7, evseId: 1), Monitor("ChargingStation", "Power", "Periodic", 60, 8) },
        });
        var set = (await StoredAsync(csms, "CS-N02")).Select(m => m.Id).ToList();
        station.Held.Remove(set[0]); // gone from the station without the CSMS knowing
        var pre1 = station.Preconfigure("AcDcConverter", "Temperature", MonitorEnumType.UpperThreshold, 90, 1, evseId: 1);
        var pre2 = station.Preconfigure("TemperatureSensor", "Temperature", MonitorEnumType.LowerThreshold, -20, 3);
        var pre3 = station.Preconfigure("Connector", "Available", MonitorEnumType.Delta, 1, 5, evseId: 1);

        var report = await PostAsync(csms, "api/stations/CS-N02/commands/get-monitoring-report", new { });

        Assert.Equal("Accepted", report.GetProperty("status").GetString());
        Assert.True(report.GetProperty("complete").GetBoolean());
        var requestId = report.GetProperty("requestId").GetInt32();
        var parts = station.Of<GetMonitoringReportRequest>();
        Assert.Equal(requestId, Assert.Single(parts).RequestId);
        int[] expected = [set[1], pre1, pre2, pre3];
        Assert.Equal(expected.Order(), report.GetProperty("monitors").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        var stored = await StoredAsync(csms, "CS-N02");
        Assert.Equal(expected.Order(), stored.Select(m => m.Id));
        Assert.All(stored, m => Assert.Equal("Report", m.Source));
        Assert.Equal((90m, 1, "UpperThreshold"), stored.Where(m => m.Id == pre1).Select(m => (m.Value, m.Severity, m.Type)).Single());

        await using var db = csms.Database.CreateContext();
        var assembled = db.MonitoringReports.Single(r => r.StationId == "CS-N02" && r.RequestId == requestId);
        Assert.Equal((2, 1, 4, true), (assembled.PartsReceived, assembled.LastSeqNo, assembled.MonitorsReported, assembled.Complete));
    }

    [Fact]
    public async Task N02_a_report_by_criteria_and_component_removes_only_the_stale_monitors_it_covers_and_EmptyResultSet_removes_all_it_covers()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = await StationAsync(csms, "CS-N02F");
        await PostAsync(csms, "api/stations/CS-N02F/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[]
            {
                Monitor("EVSE", "Power", "Delta", 1000, 7, evseId: 1),
                Monitor("EVSE", "Power", "Delta", 500, 7, evseId: 2),
                Monitor("AcDcConverter", "Temperature", "UpperThreshold", 80, 2, evseId: 1),
                Monitor("ChargingStation", "Power", "Periodic", 60, 8),
            },
        });
        var ids = (await StoredAsync(csms, "CS-N02F")).Select(m => m.Id).ToList();

        // The station lost a delta monitor and the threshold one; a DeltaMonitoring report drops only the delta one.
        station.Held.Remove(ids[1]);
        station.Held.Remove(ids[2]);
        var delta = await PostAsync(csms, "api/stations/CS-N02F/commands/get-monitoring-report", new { monitoringCriteria = new[] { "DeltaMonitoring" } });
        Assert.Equal([ids[0]], delta.GetProperty("monitors").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal([ids[0], ids[2], ids[3]], (await StoredAsync(csms, "CS-N02F")).Select(m => m.Id));

        // Nothing of AcDcConverter is left on the station: EmptyResultSet, and the CSMS forgets what it covers.
        var empty = await PostAsync(csms, "api/stations/CS-N02F/commands/get-monitoring-report", new
        {
            componentVariable = new[] { new { component = new { name = "AcDcConverter" } } },
        });
        Assert.Equal("EmptyResultSet", empty.GetProperty("status").GetString());
        Assert.Equal([ids[0], ids[3]], (await StoredAsync(csms, "CS-N02F")).Select(m => m.Id));
    }

    [Fact]
    public async Task N03_SetMonitoringBase_reports_the_monitors_again_and_N06_SetMonitoringLevel_is_sent_as_given()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var station = await StationAsync(csms, "CS-N03");
        var hardWired = station.Preconfigure("ChargingStation", "Problem", MonitorEnumType.Delta, 1, 0);
        station.Protected.Add(hardWired);
        await PostAsync(csms, "api/stations/CS-N03/commands/set-variable-monitoring", new
        {
            setMonitoringData = new[] { Monitor("AcDcConverter", "Temperature", "UpperThreshold", 80, 2, evseId: 1) },
        });
        Assert.Single(await StoredAsync(csms, "CS-N03")); // the CSMS knows only what it set

        var answer = await PostAsync(csms, "api/stations/CS-N03/commands/set-monitoring-base", new { monitoringBase = "HardWiredOnly" });

        Assert.Equal("Accepted", answer.GetProperty("status").GetString());
        Assert.Equal([hardWired], answer.GetProperty("report").GetProperty("monitors").EnumerateArray().Select(m => m.GetProperty("id").GetInt32()));
        Assert.Equal([hardWired], (await StoredAsync(csms, "CS-N03")).Select(m => m.Id));
        Assert.Equal(MonitoringBaseEnumType.HardWiredOnly, Assert.Single(station.Of<SetMonitoringBaseRequest>()).MonitoringBase);

        var level = await PostAsync(csms, "api/stations/CS-N03/commands/set-monitoring-level", new { severity = 4 });
        Assert.Equal("Accepted", level.GetProperty("status").GetString());
        Assert.Equal(4, Assert.Single(station.Of<SetMonitoringLevelRequest>()).Severity);

        // The schema takes any integer: the station decides, and this one rejects a level outside 0-9.
        var rejected = await PostAsync(csms, "api/stations/CS-N03/commands/set-monitoring-level", new { severity = 12 });
        Assert.Equal("Rejected", rejected.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Monitors_list_refuses_a_bad_type_and_an_unknown_station_with_a_problem()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await csms.RegisterAsync("CS-N-LIST");
        var bad = await csms.Api.GetAsync("api/stations/CS-N-LIST/monitors?type=Sometimes");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("type", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await csms.Api.GetAsync("api/stations/CS-NOBODY/monitors");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
    }
}
