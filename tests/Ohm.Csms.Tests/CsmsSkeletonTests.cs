using System.Net;
using Microsoft.AspNetCore.Builder;
using Ohm.Csms.Server;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Ocpp.Transport;

namespace Ohm.Csms.Tests;

/// <summary>The `ohm csms` host end to end: a real server on loopback and a station built on Ohm.Ocpp.</summary>
public sealed class CsmsSkeletonTests
{
    private static async Task<WebApplication> StartAsync(params (string Key, string Value)[] settings)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal) { ["Ocpp:Url"] = "http://127.0.0.1:0" };
        foreach (var (key, value) in settings)
        {
            overrides[key] = value;
        }

        var app = CsmsHost.Build(overrides);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task B01_a_station_boots_and_is_Accepted_with_the_configured_interval_then_sends_heartbeats_and_status()
    {
        await using var app = await StartAsync(("Csms:AcceptUnknown", "true"), ("Csms:HeartbeatInterval", "120"));
        await using var station = await OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = CsmsHost.OcppEndpoint(app), StationId = "CS-SKEL-1" }, new OcppHandlers());

        var boot = await station.CallAsync(new BootNotificationRequest
        {
            Reason = BootReasonEnumType.PowerUp,
            ChargingStation = new ChargingStationType { Model = "Sim", VendorName = "Ohm" },
        });
        Assert.Equal(RegistrationStatusEnumType.Accepted, boot.Status);
        Assert.Equal(120, boot.Interval);

        var heartbeat = await station.CallAsync(new HeartbeatRequest());
        Assert.InRange(heartbeat.CurrentTime, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        Assert.NotNull(await station.CallAsync(new StatusNotificationRequest
        {
            Timestamp = DateTimeOffset.UtcNow,
            ConnectorStatus = ConnectorStatusEnumType.Available,
            EvseId = 1,
            ConnectorId = 1,
        }));
    }

    [Fact]
    public async Task Without_accept_unknown_an_unregistered_station_is_refused_with_401()
    {
        await using var app = await StartAsync();
        var error = await Assert.ThrowsAsync<OcppConnectException>(() => OcppClient.ConnectAsync(
            new OcppClientOptions { Endpoint = CsmsHost.OcppEndpoint(app), StationId = "CS-SKEL-2" }, new OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Theory]
    [InlineData("Ocpp:Url", "not a url", "Ocpp:Url")]
    [InlineData("Csms:HeartbeatInterval", "0", "Csms:HeartbeatInterval")]
    [InlineData("Ocpp:KeepAliveSeconds", "-1", "Ocpp:KeepAliveSeconds")]
    [InlineData("Ocpp:CallTimeoutSeconds", "ten", "Ocpp")]
    public void A_bad_setting_stops_the_start_with_a_message_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<ConfigurationException>(() => CsmsHost.Build(new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
