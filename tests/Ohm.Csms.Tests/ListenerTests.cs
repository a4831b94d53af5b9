using System.Net;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>The OCPP endpoint and the API listen on their own addresses, and each answers only its own paths.</summary>
public sealed class ListenerTests
{
    [Fact]
    public async Task OCPP_paths_answer_only_on_the_OCPP_address_and_the_API_only_on_the_API_address()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        var ocppHttp = new UriBuilder(csms.OcppEndpoint) { Scheme = "http", Path = "" }.Uri;
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(ocppHttp, "health"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(ocppHttp, "api/stations"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await csms.Api.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await csms.Api.GetAsync("ocpp/CS-L1")).StatusCode);

        // The OCPP address serves stations: a plain GET there is told to upgrade.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri(ocppHttp, "ocpp/CS-L1"))).StatusCode);
        await csms.RegisterAsync("CS-L1");
        await using var station = await csms.ConnectAsync("CS-L1");
        Assert.True(station.IsOpen);
    }

    [Fact]
    public async Task A_listen_backlog_out_of_range_stops_the_start_naming_the_setting()
    {
        var error = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() =>
            CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:ListenBacklog", "0")));
        Assert.Contains("Ocpp:ListenBacklog", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_OCPP_listener_beside_https_serves_stations_without_TLS_and_not_the_API()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:Url", "https://127.0.0.1:0"), ("Ocpp:PlainUrl", "http://127.0.0.1:0"));
        var plain = Ohm.Csms.Server.CsmsHost.PlainOcppEndpoint(csms.App)!;
        Assert.Equal("ws", plain.Scheme);
        Assert.NotEqual(csms.OcppEndpoint.Port, plain.Port);
        using var http = new HttpClient();
        var plainHttp = new UriBuilder(plain) { Scheme = "http", Path = "" }.Uri;
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(plainHttp, "api/stations"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await csms.Api.GetAsync("health")).StatusCode);

        await csms.RegisterAsync("CS-PLAIN", securityProfile: 1);
        await using (var station = await Ohm.Ocpp.Transport.OcppClient.ConnectAsync(
            new Ohm.Ocpp.Transport.OcppClientOptions { Endpoint = plain, StationId = "CS-PLAIN", Password = "station-password-16" }, new Ohm.Ocpp.Rpc.OcppHandlers()))
        {
            Assert.True(station.IsOpen);
        }

        // A station registered for TLS is refused there.
        await csms.RegisterAsync("CS-PLAIN-2", securityProfile: 2);
        var refused = await Assert.ThrowsAsync<Ohm.Ocpp.Transport.OcppConnectException>(() => Ohm.Ocpp.Transport.OcppClient.ConnectAsync(
            new Ohm.Ocpp.Transport.OcppClientOptions { Endpoint = plain, StationId = "CS-PLAIN-2", Password = "station-password-16" }, new Ohm.Ocpp.Rpc.OcppHandlers()));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_plain_OCPP_listener_needs_an_https_Ocpp_Url_beside_it()
    {
        var error = await Assert.ThrowsAsync<Ohm.Csms.Server.ConfigurationException>(() =>
            CsmsTestHost.StartAsync(TestDatabases.Sqlite, ("Ocpp:PlainUrl", "http://127.0.0.1:0")));
        Assert.Contains("Ocpp:PlainUrl", error.Message, StringComparison.Ordinal);

        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        Assert.Null(Ohm.Csms.Server.CsmsHost.PlainOcppEndpoint(csms.App));
    }
}
