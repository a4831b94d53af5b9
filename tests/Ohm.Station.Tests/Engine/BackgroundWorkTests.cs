using Microsoft.Extensions.Logging;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Engine;

/// <summary>Background tasks are owned: awaited on stop, their failures logged, none left unobserved.</summary>
public sealed class BackgroundWorkTests
{
    [Fact]
    public async Task A_failing_background_task_is_logged_with_its_exception()
    {
        var logs = new LogRecorder();
        var work = new BackgroundWork(logs.CreateLogger("test"));
        work.Run("doomed", () => throw new InvalidOperationException("boom"));
        await work.WhenIdleAsync();
        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.Contains("doomed", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waiting_for_idle_awaits_every_running_task_and_those_it_starts()
    {
        var work = new BackgroundWork(new LogRecorder().CreateLogger("test"));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var innerDone = false;
        work.Run("outer", async () =>
        {
            await release.Task;
            work.Run("inner", async () =>
            {
                await inner.Task;
                innerDone = true;
            });
        });
        var idle = work.WhenIdleAsync();
        Assert.False(idle.IsCompleted);
        release.SetResult();
        await TestCsms.Until(() => work.Count == 1, "outer done, inner running");
        Assert.False(idle.IsCompleted);
        inner.SetResult();
        await idle;
        Assert.True(innerDone);
    }

    [Fact]
    public async Task Start_stop_cycles_leave_no_unobserved_task_exception()
    {
        UnobservedTaskExceptions.Watch();
        await using var h = await StationHarness.StartAsync();
        var options = h.Options("CS-CYCLES");
        for (var i = 0; i < 3; i++)
        {
            var station = new ChargingStation(options, h.Logs);
            await station.StartAsync();
            await TestCsms.Until(() => station.IsOnline, "accepted");
            await station.StopAsync();
            await station.DisposeAsync();
        }

        UnobservedTaskExceptions.AssertNone();
    }

    [Fact]
    public async Task Stop_awaits_a_triggered_message_sent_in_the_background()
    {
        await using var h = await StationHarness.StartAsync();
        var station = await h.StartStation("CS-TRIG");
        var answer = await h.Csms.Call("CS-TRIG", new Ocpp.Messages.TriggerMessageRequest { RequestedMessage = Ocpp.Messages.MessageTriggerEnumType.Heartbeat });
        Assert.Equal(Ocpp.Messages.TriggerMessageStatusEnumType.Accepted, answer.Status);
        await station.StopAsync();
        Assert.Equal(0, station.Background.Count);
    }
}
