using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Ohm.Csms.Events;
using Ohm.Csms.Tests.Support;
using Ohm.Ocpp.Messages;

namespace Ohm.Csms.Tests.Sessions;

/// <summary>What the console's live views learn from <see cref="IFleetChanges"/>: connections, boots and connector status, once stored.</summary>
public sealed class FleetChangesPublishingTests
{
    [Fact]
    public async Task A_station_that_connects_boots_reports_a_connector_status_and_disconnects_publishes_each_change_after_it_is_stored()
    {
        await using var csms = await CsmsTestHost.StartAsync(TestDatabases.Sqlite);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = Channel.CreateUnbounded<FleetChange>();
        var read = new List<FleetChange>(); // Connected (after the connection's row) and Booted may come in either order
        var enumerator = csms.App.Services.GetRequiredService<IFleetChanges>().SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token);
        var first = enumerator.MoveNextAsync(); // subscribed from here on
        var reading = Task.Run(async () =>
        {
            while (await first)
            {
                seen.Writer.TryWrite(enumerator.Current);
                first = enumerator.MoveNextAsync();
            }
        });

        await using var station = await csms.BootedStationAsync("CS-FLEET");
        var connected = await Next(seen, read, FleetChangeKind.Connected, stop.Token);
        Assert.Equal("CS-FLEET", connected.StationId);
        var booted = await Next(seen, read, FleetChangeKind.Booted, stop.Token);
        Assert.Equal("Accepted", booted.Status);
        Assert.Equal("Accepted", (await csms.GetJsonAsync("api/stations/CS-FLEET")).GetProperty("registrationStatus").GetString());

        await station.CallAsync(new StatusNotificationRequest { Timestamp = DateTimeOffset.UtcNow, ConnectorStatus = ConnectorStatusEnumType.Occupied, EvseId = 1, ConnectorId = 1 });
        var status = await Next(seen, read, FleetChangeKind.ConnectorStatus, stop.Token);
        Assert.Equal((1, 1, "Occupied"), (status.EvseId, status.ConnectorId, status.Status));
        var evses = await csms.GetJsonAsync("api/stations/CS-FLEET/evses");
        Assert.Equal("Occupied", evses[0].GetProperty("connectors")[0].GetProperty("status").GetString()); // stored before it was published

        await station.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        var disconnected = await Next(seen, read, FleetChangeKind.Disconnected, stop.Token);
        Assert.Equal("CS-FLEET", disconnected.StationId);
        var connections = await csms.GetJsonAsync("api/stations/CS-FLEET/connections");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, connections.GetProperty("items")[0].GetProperty("disconnectedAt").ValueKind); // stored before it was published

        await stop.CancelAsync();
        await reading;
        await enumerator.DisposeAsync();
    }

    private static async Task<FleetChange> Next(Channel<FleetChange> seen, List<FleetChange> read, FleetChangeKind kind, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (read.Find(c => c.Kind == kind) is { } found)
            {
                return found;
            }

            read.Add(await seen.Reader.ReadAsync(cancellationToken));
        }
    }
}
