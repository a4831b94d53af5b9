using System.Net.Http.Json;
using System.Text.Json;
using Ohm.Station.DeviceModel;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Monitoring;

/// <summary>Block N with both of Ohm's roles: an Ohm station's preconfigured monitor fires, the Ohm CSMS stores the events and lists them.</summary>
public sealed class AgainstOhmCsmsTests
{
    private static async Task<List<JsonElement>> EventsAsync(HttpClient api, string stationId) =>
        [.. (await api.GetFromJsonAsync<JsonElement>($"api/stations/{stationId}/events?component=AcDcConverter")).GetProperty("items").EnumerateArray()];

    [Fact]
    public async Task N07_the_preconfigured_converter_monitor_of_an_Ohm_station_alerts_and_clears_and_the_Ohm_CSMS_lists_both_events()
    {
        await using var h = await StationHarness.StartAsync();
        await using var csms = await OhmCsms.StartAsync(h);
        var clock = FakeClock.Create();
        var options = csms.StationOptions(h, "CS-OHM-N");
        options.TimeProvider = clock;
        var station = await h.StartStation("CS-OHM-N", options: options);

        station.Simulator!.SetSensor(new ComponentKey("AcDcConverter", EvseId: 1), "Temperature", 85);
        await clock.AdvanceUntil(TimeSpan.FromMilliseconds(250), () => station.Monitoring.IsAlerting(2), TimeSpan.FromSeconds(30), "the alert");
        await TestCsms.Until(() => EventsAsync(csms.Api, "CS-OHM-N").GetAwaiter().GetResult().Count == 1, "the alert stored");
        await clock.AdvanceUntil(TimeSpan.FromSeconds(15), () => !station.Monitoring.IsAlerting(2), TimeSpan.FromMinutes(10), "the converter below 80 degrees");
        await TestCsms.Until(() => EventsAsync(csms.Api, "CS-OHM-N").GetAwaiter().GetResult().Count == 2, "the cleared event stored");

        var events = await EventsAsync(csms.Api, "CS-OHM-N");
        Assert.All(events, e => Assert.Equal(("Alerting", 2, "PreconfiguredMonitor", 1, "Temperature"), (e.GetProperty("trigger").GetString(), e.GetProperty("variableMonitoringId").GetInt32(), e.GetProperty("eventNotificationType").GetString(), e.GetProperty("evseId").GetInt32(), e.GetProperty("variable").GetString())));
        Assert.Equal([false, true], events.OrderBy(e => e.GetProperty("eventId").GetInt32()).Select(e => e.GetProperty("cleared").GetBoolean()));
    }
}
