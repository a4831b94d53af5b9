using Ohm.Ocpp;
using Ohm.Ocpp.Messages;
using Ohm.Ocpp.Rpc;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Offline;

public sealed class OfflineQueueTests
{
    [Fact]
    public async Task E12_Fifty_events_queued_offline_are_replayed_in_order_with_offline_true_after_reconnect()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-E12");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        var online = h.Csms.Events("CS-E12").Count;

        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        for (var i = 0; i < 49; i++)
        {
            await station.Transactions.SampleNowAsync(1);
        }

        await Drive.Do(station, "unplug");
        Assert.Equal(50, station.QueueLength);
        Assert.Equal(online, h.Csms.Events("CS-E12").Count);

        await station.SetOfflineAsync(false);
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended, seconds: 60);
        var events = h.Csms.Events("CS-E12");
        Assert.Equal(online + 50, events.Count);
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.SeqNo));
        var replayed = events.Skip(online).ToList();
        Assert.All(replayed, e => Assert.True(e.Offline));
        Assert.All(events.Take(online), e => Assert.Null(e.Offline));
        Assert.Equal(TransactionEventEnumType.Ended, replayed[^1].EventType);
    }

    [Fact]
    public async Task E_Killed_during_a_transaction_the_restarted_station_goes_on_with_the_next_seqNo()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-KILL");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        var started = await h.Csms.WaitForEvent(TransactionEventEnumType.Started);
        await TestCsms.Until(() => station.QueueLength == 0, "queue drained");
        var before = h.Csms.Events("CS-KILL").Max(e => e.SeqNo);
        await station.CrashAsync();

        var restarted = await h.StartStation("CS-KILL");
        Assert.Equal(started.TransactionInfo.TransactionId, restarted.Evses[1].Transaction!.Id);
        await Drive.Do(restarted, "unplug");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        Assert.Equal(started.TransactionInfo.TransactionId, ended.TransactionInfo.TransactionId);
        Assert.Equal(before + 1, ended.SeqNo);
    }

    [Fact]
    public async Task E_Events_queued_offline_survive_a_kill_and_are_sent_after_the_restart()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-KILL2", StationHarness.Config(c => c.With("AuthCtrlr", "OfflineTxForUnknownIdEnabled", "true")));
        await TestCsms.Until(() => station.QueueLength == 0 && h.Csms.Of<StatusNotificationRequest>("CS-KILL2").Count == 2, "boot status sent");
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await Drive.Do(station, "unplug");
        Assert.Equal(["TransactionEvent", "TransactionEvent"], station.Store.PeekAll().Select(m => m.Action));
        await station.CrashAsync();

        var restarted = await h.StartStation("CS-KILL2");
        var ended = await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        var events = h.Csms.Events("CS-KILL2");
        Assert.Equal([0, 1], events.Select(e => e.SeqNo));
        Assert.All(events, e => Assert.True(e.Offline));
        Assert.Equal(ReasonEnumType.EVDisconnected, ended.TransactionInfo.StoppedReason);
        await TestCsms.Until(() => restarted.QueueLength == 0, "queue drained after restart");
    }

    [Fact]
    public async Task E13_A_failed_TransactionEvent_is_resent_with_the_same_seqNo_up_to_MessageAttemptsTransactionEvent()
    {
        await using var h = await StationHarness.StartAsync();
        var attempts = new List<(int SeqNo, TriggerReasonEnumType Trigger)>();
        h.Csms.TransactionEvent = e =>
        {
            lock (attempts)
            {
                attempts.Add((e.SeqNo, e.TriggerReason));
                if (e.EventType == TransactionEventEnumType.Started)
                {
                    throw new OcppCallErrorException("TransactionEvent", OcppErrorCode.InternalError, "not now");
                }
            }

            return new TransactionEventResponse();
        };
        var station = await h.StartStation("CS-E13", StationHarness.Config(c => c.With("OCPPCommCtrlr", "MessageAttemptsTransactionEvent", "3")));
        await Drive.Do(station, "plug");
        await Drive.Do(station, "auth");
        await Drive.Do(station, "unplug");
        await h.Csms.WaitForEvent(TransactionEventEnumType.Ended);
        lock (attempts)
        {
            Assert.Equal(3, attempts.Count(a => a.SeqNo == 0));
            Assert.Equal([0, 0, 0, 1], attempts.Select(a => a.SeqNo));
        }
    }

    [Fact]
    public async Task QueueAllMessages_keeps_StatusNotifications_produced_offline()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-QAM", StationHarness.Config(c => c.With("OCPPCommCtrlr", "QueueAllMessages", "true")));
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-QAM").Count >= 2 && station.QueueLength == 0, "boot status");
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        await Drive.Do(station, "plug", evse: 2);
        Assert.Equal(1, station.QueueLength);
        await station.SetOfflineAsync(false);
        await h.Csms.WaitFor<StatusNotificationRequest>(s => s.EvseId == 2 && s.ConnectorStatus == ConnectorStatusEnumType.Occupied);
    }

    [Fact]
    public async Task G01_Without_QueueAllMessages_a_status_changed_offline_is_reported_after_reconnect()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-G01");
        await TestCsms.Until(() => h.Csms.Of<StatusNotificationRequest>("CS-G01").Count >= 2 && station.QueueLength == 0, "boot status");
        await station.SetOfflineAsync(true);
        await TestCsms.Until(() => !station.IsConnected, "offline");
        await Drive.Do(station, "plug", evse: 2);
        Assert.Equal(0, station.QueueLength);
        await station.SetOfflineAsync(false);
        await h.Csms.WaitFor<StatusNotificationRequest>(s => s.EvseId == 2 && s.ConnectorStatus == ConnectorStatusEnumType.Occupied);
    }
}
