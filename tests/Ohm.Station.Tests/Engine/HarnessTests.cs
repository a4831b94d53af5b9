using Microsoft.Extensions.Logging;
using Ohm.Station.Tests.Support;

namespace Ohm.Station.Tests.Engine;

/// <summary>The harness itself: it must fail a test on an error that only reached a log, or a task nobody observed.</summary>
public sealed class HarnessTests
{
    [Fact]
    public void An_unexpected_error_log_fails_the_test()
    {
        var logs = new LogRecorder();
        logs.CreateLogger("Ohm.Station.X").LogWarning("a warning is no failure");
        logs.AssertNoUnexpectedErrors();
        logs.CreateLogger("Ohm.Station.X").LogError(new InvalidOperationException("boom"), "Something failed");
        var failure = Assert.ThrowsAny<Exception>(logs.AssertNoUnexpectedErrors);
        Assert.Contains("Something failed", failure.Message, StringComparison.Ordinal);
        Assert.Contains("boom", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_error_the_test_expects_does_not_fail_it()
    {
        var logs = new LogRecorder();
        logs.ExpectError("boom");
        logs.CreateLogger("Ohm.Station.X").LogCritical(new InvalidOperationException("boom"), "Something failed");
        logs.AssertNoUnexpectedErrors();
    }

    [Fact]
    public void An_unobserved_task_exception_surfaces_at_collection()
    {
        UnobservedTaskExceptions.Watch();
        var marker = UnobservedTaskExceptions.SelfTestMarker + Guid.NewGuid().ToString("N");
        FaultAndForget(marker);
        var found = UnobservedTaskExceptions.CollectSelfTest();
        Assert.Contains(found, e => e.ToString().Contains(marker, StringComparison.Ordinal));
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void FaultAndForget(string marker)
    {
        var task = Task.Run(() => throw new InvalidOperationException(marker));

        // Waits for the fault without observing it, then drops the only reference.
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
    }
}
