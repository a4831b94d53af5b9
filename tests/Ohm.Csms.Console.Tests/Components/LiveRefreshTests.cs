using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Ohm.Csms.Console.Components;
using Ohm.Csms.Events;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Console.Tests.Components;

public sealed class LiveRefreshTests
{
    private readonly InProcessFleetChanges _changes = new();
    private readonly FakeTimeProvider _time = new();
    private readonly LogRecorder _logs = new();

    [Fact]
    public async Task A_burst_of_wanted_changes_makes_one_reload_after_the_interval_and_unwanted_ones_none()
    {
        var reloads = 0;
        using var live = LiveRefresh.Start(_changes, _time, _logs.CreateLogger("page"), c => c.StationId == "CS-1", () =>
        {
            Interlocked.Increment(ref reloads);
            return Task.CompletedTask;
        });

        _changes.Publish(new FleetChange(FleetChangeKind.Other, "CS-2", _time.GetUtcNow()));
        await SettleAsync();
        Assert.Equal(0, reloads);

        for (var i = 0; i < 5; i++)
        {
            _changes.Publish(new FleetChange(FleetChangeKind.Other, "CS-1", _time.GetUtcNow()));
        }

        await SettleAsync();
        Assert.Equal(0, reloads); // not before the interval
        _time.Advance(LiveRefresh.Interval);
        await WaitForAsync(() => reloads == 1);
        await SettleAsync();
        Assert.Equal(1, reloads);
    }

    [Fact]
    public async Task A_reload_that_fails_is_logged_as_a_warning_not_left_unobserved_and_the_next_change_reloads_again()
    {
        var calls = 0;
        using var live = LiveRefresh.Start(_changes, _time, _logs.CreateLogger("page"), _ => true, () =>
            Interlocked.Increment(ref calls) == 1 ? Task.FromException(new InvalidOperationException("database out of reach")) : Task.CompletedTask);

        live.Request();
        _time.Advance(LiveRefresh.Interval);
        await WaitForAsync(() => _logs.Entries.Any(e => e.Level == LogLevel.Warning));
        var warning = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("database out of reach", warning.Exception?.Message);

        live.Request();
        _time.Advance(LiveRefresh.Interval);
        await WaitForAsync(() => calls == 2);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        _logs.AssertClean();
    }

    [Fact]
    public async Task Once_the_host_stops_no_change_reloads_the_view()
    {
        using var stopping = new CancellationTokenSource();
        var reloads = 0;
        using var live = LiveRefresh.Start(_changes, _time, _logs.CreateLogger("page"), _ => true, () =>
        {
            Interlocked.Increment(ref reloads);
            return Task.CompletedTask;
        }, stopping.Token);

        await stopping.CancelAsync();
        live.Request();
        _changes.Publish(new FleetChange(FleetChangeKind.Other, "CS-1", _time.GetUtcNow()));
        await SettleAsync();
        _time.Advance(LiveRefresh.Interval);
        await SettleAsync();
        Assert.Equal(0, reloads);
    }

    private static async Task SettleAsync()
    {
        for (var i = 0; i < 20; i++)
        {
            await Task.Yield();
        }

        await Task.Delay(20);
    }

    private static async Task WaitForAsync(Func<bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!done())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
