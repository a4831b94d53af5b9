using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Offline;

/// <summary>
/// A station given several CSMS addresses (the nodes of a cluster): it connects to the first that answers, moves to the
/// next at once when its connection drops, and replays what it queued offline on the node it reaches.
/// </summary>
public sealed class CsmsFailoverTests
{
    /// <summary>A back-off far longer than the tests wait: a reconnect within their bound was a failover, not a retry.</summary>
    private static readonly Ohm.Station.DeviceModel.DeviceModelConfig SlowBackOff =
        StationHarness.Config(c => c.With("OCPPCommCtrlr", "RetryBackOffWaitMinimum", "300"));

    [Fact]
    public async Task A_dropped_connection_moves_to_the_next_address_at_once_and_the_transaction_goes_on_there()
    {
        await using var h = await StationHarness.StartAsync();
        await using var second = await TestCsms.StartAsync();
        var options = h.Options("CS-FO", SlowBackOff);
        options.FallbackEndpoints = [second.Endpoint];
        var station = await h.StartStation("CS-FO", options: options);
        Assert.Equal(h.Csms.Endpoint, station.ConnectedEndpoint);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");

        await h.Csms.Server.Find("CS-FO")!.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.EndpointUnavailable, "going away");
        await TestCsms.Until(() => station.IsOnline && station.ConnectedEndpoint == second.Endpoint, "connected to the second address", 30);

        await Drive.Do(station, "unplug");
        var ended = await second.WaitForEvent(TransactionEventEnumType.Ended, seconds: 30);
        Assert.Equal(started.TransactionInfo.TransactionId, ended.TransactionInfo.TransactionId);
        Assert.Empty(second.Of<BootNotificationRequest>()); // still registered: the cluster is one CSMS
        var seqNos = h.Csms.Events("CS-FO").Concat(second.Events("CS-FO")).Select(e => e.SeqNo).ToList();
        Assert.Equal(Enumerable.Range(0, seqNos.Count), seqNos);
    }

    [Fact]
    public async Task Events_queued_offline_are_replayed_on_the_address_that_answers_when_the_first_is_gone()
    {
        await using var h = await StationHarness.StartAsync();
        var first = await TestCsms.StartAsync();
        await using var second = await TestCsms.StartAsync();
        var options = h.Options("CS-FQ", SlowBackOff);
        options.Endpoint = first.Endpoint;
        options.FallbackEndpoints = [second.Endpoint];
        var station = await h.StartStation("CS-FQ", options: options);
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await first.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        var online = first.Events("CS-FQ").Count;

        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        await station.Transactions.SampleNowAsync(1);
        await Drive.Do(station, "unplug");
        Assert.Equal(2, station.QueueLength);
        await first.DisposeAsync(); // the first node is gone: its address refuses connections

        await station.SetOfflineAsync(false);
        await second.WaitForEvent(TransactionEventEnumType.Ended, seconds: 30);
        Assert.Equal(second.Endpoint, station.ConnectedEndpoint);
        var replayed = second.Events("CS-FQ");
        Assert.Equal(2, replayed.Count);
        Assert.All(replayed, e => Assert.True(e.Offline));
        Assert.Equal(Enumerable.Range(online, 2), replayed.Select(e => e.SeqNo));
    }
}
