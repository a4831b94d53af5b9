using System.Net.Http.Json;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests.Security;

/// <summary>A04: the security events stations report and those the CSMS records, stored, flagged, filtered and counted.</summary>
public sealed class SecurityEventLogTests
{
    private sealed record SecurityEvent(long Id, DateTimeOffset Timestamp, string Source, string Type, bool Critical, string? StationId, string? RemoteAddress, string? TechInfo);

    private sealed record SecurityEventPage(List<SecurityEvent> Items, int Total, string? Next);

    private static async Task<List<SecurityEvent>> ListAsync(CsmsTestHost csms, string query) =>
        (await csms.Api.GetFromJsonAsync<SecurityEventPage>("api/security-events?" + query))!.Items;

    [Fact]
    public async Task A04_a_station_security_event_is_stored_flagged_critical_and_listed()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var station = await csms.BootedStationAsync("CS-A04-LOG");
        var at = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.FromHours(2));
        await station.CallAsync(new SecurityEventNotificationRequest { Type = "StartupOfTheDevice", Timestamp = at, TechInfo = "cold boot" });
        await station.CallAsync(new SecurityEventNotificationRequest { Type = "InvalidMessages", Timestamp = at.AddMinutes(1), TechInfo = "bad frame" });

        var events = await ListAsync(csms, "stationId=CS-A04-LOG");
        Assert.Equal(["InvalidMessages", "StartupOfTheDevice"], events.Select(e => e.Type));
        var startup = events[1];
        Assert.True(startup.Critical);
        Assert.Equal("Station", startup.Source);
        Assert.Equal("cold boot", startup.TechInfo);
        Assert.Equal(at, startup.Timestamp); // the station's own timestamp, not when it was received
        Assert.False(events[0].Critical);

        var critical = Assert.Single(await ListAsync(csms, "stationId=CS-A04-LOG&critical=true"));
        Assert.Equal("StartupOfTheDevice", critical.Type);
        Assert.Equal("InvalidMessages", Assert.Single(await ListAsync(csms, "stationId=CS-A04-LOG&critical=false")).Type);

        // The counter of security events has the station's critical one.
        string scrape;
        var attempts = 0;
        do
        {
            scrape = await csms.Api.GetStringAsync("metrics");
        }
        while (!scrape.Contains("type=\"StartupOfTheDevice\"", StringComparison.Ordinal) && ++attempts < 100 && await Delay());
        Assert.Contains(scrape.Split('\n'), line => line.StartsWith("ohm_csms_security_events_total{", StringComparison.Ordinal)
            && line.Contains("critical=\"true\"", StringComparison.Ordinal) && line.Contains("source=\"Station\"", StringComparison.Ordinal)
            && line.Contains("type=\"StartupOfTheDevice\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A04_security_events_are_filtered_by_station_type_source_time_and_critical()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var one = await csms.BootedStationAsync("CS-A04-F1");
        await using var two = await csms.BootedStationAsync("CS-A04-F2");
        var at = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        await one.CallAsync(new SecurityEventNotificationRequest { Type = "TamperDetectionActivated", Timestamp = at });
        await one.CallAsync(new SecurityEventNotificationRequest { Type = "SettingSystemTime", Timestamp = at.AddHours(1) });
        await two.CallAsync(new SecurityEventNotificationRequest { Type = "TamperDetectionActivated", Timestamp = at.AddHours(2) });

        // The CSMS's own event: a wrong password, with the remote address.
        await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = csms.OcppEndpoint, StationId = "CS-A04-F1", Password = "wrong-password-0000" }, new Ohm.Ocpp.Rpc.OcppHandlers()));

        Assert.Equal(2, (await ListAsync(csms, "stationId=CS-A04-F1&source=Station")).Count);
        var own = Assert.Single(await ListAsync(csms, "stationId=CS-A04-F1&source=Csms"));
        Assert.Equal("FailedToAuthenticateAtCsms", own.Type);
        Assert.False(own.Critical);
        Assert.Equal("127.0.0.1", own.RemoteAddress);

        Assert.Equal(["CS-A04-F2", "CS-A04-F1"], (await ListAsync(csms, "type=TamperDetectionActivated")).Where(e => e.StationId!.StartsWith("CS-A04-F", StringComparison.Ordinal)).Select(e => e.StationId));
        var window = await ListAsync(csms, "from=" + Uri.EscapeDataString(at.AddMinutes(30).ToString("O")) + "&to=" + Uri.EscapeDataString(at.AddMinutes(150).ToString("O")));
        Assert.Equal(["TamperDetectionActivated", "SettingSystemTime"], window.Select(e => e.Type));
        Assert.Equal(["CS-A04-F2", "CS-A04-F1"], window.Select(e => e.StationId));

        // An offset other than UTC means the same instant.
        var local = await ListAsync(csms, "stationId=CS-A04-F1&from=" + Uri.EscapeDataString(at.AddMinutes(30).ToOffset(TimeSpan.FromHours(-5)).ToString("O")));
        Assert.Equal("SettingSystemTime", Assert.Single(local, e => e.Source == "Station").Type);

        Assert.Equal(["SettingSystemTime", "TamperDetectionActivated"], (await ListAsync(csms, "stationId=CS-A04-F1&critical=true")).Select(e => e.Type));
        Assert.Empty(await ListAsync(csms, "stationId=CS-A04-F1&critical=false&source=Station"));

        var bad = await csms.Api.GetAsync("api/security-events?from=2026-11-30T10:00:00Z&to=2026-11-30T09:00:00Z");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("to", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(50);
        return true;
    }
}
