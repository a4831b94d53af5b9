using System.Net.WebSockets;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>What the stations see when the CSMS stops.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task A_stopping_CSMS_closes_every_station_connection_with_1001_before_its_server_stops()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        await using var first = await csms.BootedStationAsync("CS-STOP-1");
        await using var second = await csms.BootedStationAsync("CS-STOP-2");

        // Kestrel's own shutdown would otherwise wait for the WebSockets up to its timeout, then abort them and log an
        // Error each (which fails this test at dispose).
        await csms.App.StopAsync();

        await first.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        await second.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, first.CloseStatus);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, second.CloseStatus);
    }
}
