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
}
