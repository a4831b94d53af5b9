using System.Text.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests;

/// <summary>Block N on the CSMS side: NotifyEvent reports, stored and assembled, and connector availability from events.</summary>
public sealed class DiagnosticsTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Databases() => TestDatabases.All();

    private static EventDataType Availability(int eventId, int evseId, int connectorId, string state, DateTimeOffset at) => new()
    {
        EventId = eventId,
        Timestamp = at,
        Trigger = EventTriggerEnumType.Delta,
        ActualValue = state,
        EventNotificationType = EventNotificationEnumType.HardWiredNotification,
        Component = new ComponentType { Name = "Connector", Evse = new EVSEType { Id = evseId, ConnectorId = connectorId } },
        Variable = new VariableType { Name = "AvailabilityState" },
    };

    private static async Task<string?> ConnectorStatus(CsmsTestHost csms, string stationId, int evseId, int connectorId)
    {
        var evses = await csms.GetJsonAsync($"api/stations/{stationId}/evses");
        return evses.EnumerateArray().Where(e => e.GetProperty("evseId").GetInt32() == evseId)
            .SelectMany(e => e.GetProperty("connectors").EnumerateArray())
            .Where(c => c.GetProperty("connectorId").GetInt32() == connectorId)
            .Select(c => c.GetProperty("status").GetString()).SingleOrDefault();
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N07_NotifyEvent_each_event_is_stored_with_its_fields_and_the_parts_of_a_report_are_assembled(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await using var station = await csms.BootedStationAsync("CS-N07");
        var alert = new EventDataType
        {
            EventId = 7,
            Timestamp = T0,
            Trigger = EventTriggerEnumType.Alerting,
            Cause = 3,
            ActualValue = "85",
            TechCode = "T-OVER",
            TechInfo = "sensor 2",
            Cleared = false,
            TransactionId = "tx-1",
            VariableMonitoringId = 12,
            EventNotificationType = EventNotificationEnumType.CustomMonitor,
            Component = new ComponentType { Name = "TemperatureSensor", Instance = "inlet", Evse = new EVSEType { Id = 1 } },
            Variable = new VariableType { Name = "Temperature", Instance = "max" },
        };

        var part0 = await station.CallAsync(new NotifyEventRequest { GeneratedAt = T0, SeqNo = 0, Tbc = true, EventData = [alert] });
        Assert.NotNull(part0);
        var pending = await csms.GetJsonAsync("api/stations/CS-N07/events");
        Assert.False(Assert.Single(pending.GetProperty("items").EnumerateArray()).GetProperty("reportComplete").GetBoolean());

        await station.CallAsync(new NotifyEventRequest { GeneratedAt = T0, SeqNo = 1, EventData = [Availability(8, 1, 1, "Faulted", T0.AddSeconds(1))] });

        var events = (await csms.GetJsonAsync("api/stations/CS-N07/events")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.True(e.GetProperty("reportComplete").GetBoolean()));
        Assert.All(events, e => Assert.Equal(T0, e.GetProperty("generatedAt").GetDateTimeOffset()));
        var stored = events.Single(e => e.GetProperty("eventId").GetInt32() == 7);
        Assert.Equal("Alerting", stored.GetProperty("trigger").GetString());
        Assert.Equal(3, stored.GetProperty("cause").GetInt32());
        Assert.Equal("85", stored.GetProperty("actualValue").GetString());
        Assert.Equal("T-OVER", stored.GetProperty("techCode").GetString());
        Assert.Equal("sensor 2", stored.GetProperty("techInfo").GetString());
        Assert.False(stored.GetProperty("cleared").GetBoolean());
        Assert.Equal("tx-1", stored.GetProperty("transactionId").GetString());
        Assert.Equal(12, stored.GetProperty("variableMonitoringId").GetInt32());
        Assert.Equal("CustomMonitor", stored.GetProperty("eventNotificationType").GetString());
        Assert.Equal("TemperatureSensor", stored.GetProperty("component").GetString());
        Assert.Equal("inlet", stored.GetProperty("componentInstance").GetString());
        Assert.Equal(1, stored.GetProperty("evseId").GetInt32());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("connectorId").ValueKind);
        Assert.Equal("Temperature", stored.GetProperty("variable").GetString());
        Assert.Equal("max", stored.GetProperty("variableInstance").GetString());
        Assert.Equal(T0, stored.GetProperty("timestamp").GetDateTimeOffset());

        var filtered = await csms.GetJsonAsync("api/stations/CS-N07/events?component=Connector&variable=AvailabilityState");
        Assert.Equal(8, Assert.Single(filtered.GetProperty("items").EnumerateArray()).GetProperty("eventId").GetInt32());
        Assert.Equal(400, (int)(await csms.Api.GetAsync("api/stations/CS-N07/events?trigger=Sometimes")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task N_NotifyEvent_AvailabilityState_of_a_connector_is_its_status_like_a_StatusNotification(string database)
    {
        await using var csms = await CsmsTestHost.StartAsync(database);
        await using var station = await csms.BootedStationAsync("CS-NAV");

        // A station that reports availability only through NotifyEvent: two connectors, one changing twice in one report.
        await station.CallAsync(new NotifyEventRequest
        {
            GeneratedAt = T0,
            SeqNo = 0,
            EventData =
            [
                Availability(1, 1, 1, "Occupied", T0.AddSeconds(2)),
                Availability(2, 1, 1, "Available", T0.AddSeconds(1)),
                Availability(3, 2, 1, "Unavailable", T0),
            ],
        });
        Assert.Equal("Occupied", await ConnectorStatus(csms, "CS-NAV", 1, 1));
        Assert.Equal("Unavailable", await ConnectorStatus(csms, "CS-NAV", 2, 1));

        // The same store as StatusNotification: an older one goes to the history only, a newer one wins, either way.
        await station.CallAsync(new StatusNotificationRequest { Timestamp = T0, ConnectorStatus = ConnectorStatusEnumType.Faulted, EvseId = 1, ConnectorId = 1 });
        Assert.Equal("Occupied", await ConnectorStatus(csms, "CS-NAV", 1, 1));
        await station.CallAsync(new StatusNotificationRequest { Timestamp = T0.AddMinutes(1), ConnectorStatus = ConnectorStatusEnumType.Reserved, EvseId = 1, ConnectorId = 1 });
        await station.CallAsync(new NotifyEventRequest { GeneratedAt = T0.AddMinutes(2), SeqNo = 0, EventData = [Availability(4, 1, 1, "Available", T0.AddMinutes(2))] });
        Assert.Equal("Available", await ConnectorStatus(csms, "CS-NAV", 1, 1));

        var history = await csms.GetJsonAsync("api/stations/CS-NAV/status-history");
        Assert.Equal(6, history.GetProperty("items").GetArrayLength());
        Assert.Equal(6, history.GetProperty("total").GetInt32());
    }
}
