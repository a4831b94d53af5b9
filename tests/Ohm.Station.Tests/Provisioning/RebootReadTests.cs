using Ohm.Ocpp.Messages;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Provisioning;

/// <summary>Public reads of a station's state while it reboots: its store is closed and another opened meanwhile.</summary>
public sealed class RebootReadTests
{
    [Fact]
    public void A_closed_store_answers_the_queue_length_it_had_when_it_closed()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ohm-station-tests", Guid.NewGuid().ToString("N"));
        var store = new StationStore(directory);
        store.Enqueue("StatusNotification", [1]);
        store.Enqueue("MeterValues", [2]);
        store.Dispose();
        Assert.Equal(2, store.QueueLength());
        store.Dispose(); // closing twice is harmless
        Assert.Equal(2, store.QueueLength());
        using var reopened = new StationStore(directory);
        Assert.Equal(2, reopened.QueueLength());
    }

    [Fact]
    public async Task B11_QueueLength_polled_while_the_station_resets_never_throws()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-B11-READ");
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var poller = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Assert.True(station.QueueLength >= 0);
                reads++;
            }
        });

        var reset = await h.Csms.Call("CS-B11-READ", new ResetRequest { Type = ResetEnumType.Immediate });
        Assert.Equal(ResetStatusEnumType.Accepted, reset.Status);
        await h.Csms.WaitFor<BootNotificationRequest>(b => b.Reason == BootReasonEnumType.RemoteReset);
        await TestCsms.Until(() => station.IsOnline && station.BootCount == 2 || poller.IsCompleted, "booted again");
        await stop.CancelAsync();
        await poller; // an exception thrown by a read during the reboot fails the test here
        Assert.True(reads > 0);
    }
}
