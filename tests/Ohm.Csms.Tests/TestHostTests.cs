using Microsoft.Extensions.Logging;
using Ohm.Csms.Tests.Support;

namespace Ohm.Csms.Tests;

/// <summary>
/// The test host itself: hidden errors fail tests. Not run in parallel with others, since the unobserved task exception
/// it leaks on purpose is seen process-wide.
/// </summary>
[Collection(nameof(TestHostTests))]
[CollectionDefinition(nameof(TestHostTests), DisableParallelization = true)]
public sealed class TestHostTests
{
    [Fact]
    public void An_unexpected_error_log_fails_the_test()
    {
        var logs = new LogRecorder();
        logs.CreateLogger("Ohm.Csms.Blocks.Example").LogError("Something broke");

        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(logs.AssertClean);
        Assert.Contains("Something broke", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expected_error_and_warnings_do_not_fail_the_test()
    {
        var logs = new LogRecorder();
        logs.ExpectError(e => e.Message.Contains("on purpose", StringComparison.Ordinal));
        var logger = logs.CreateLogger("Ohm.Csms.Blocks.Example");
        logger.LogError("Broken on purpose");
        logger.LogWarning("A warning");

        logs.AssertClean();
    }

    [Fact]
    public void An_unobserved_task_exception_fails_the_test()
    {
        UnobservedTaskExceptions.Watch();
        Leak();
        var logs = new LogRecorder();

        // The finalizer that reports the exception runs when the collector gets to the task: give it a few rounds.
        Xunit.Sdk.XunitException? failure = null;
        for (var round = 0; round < 10 && failure is null; round++)
        {
            failure = Record.Exception(logs.AssertClean) as Xunit.Sdk.XunitException;
        }

        Assert.NotNull(failure);
        Assert.Contains("leaked on purpose", failure.Message, StringComparison.Ordinal);

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        static void Leak()
        {
            var task = Task.Run(() => throw new InvalidOperationException("leaked on purpose"));
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
    }
}
