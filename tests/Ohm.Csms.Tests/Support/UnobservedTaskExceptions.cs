using System.Collections.Concurrent;

namespace Ohm.Csms.Tests.Support;

/// <summary>
/// Task exceptions nobody observed, process-wide. Test classes run in parallel, so an exception is recorded globally
/// and fails the first test that collects after it surfaced, whichever test leaked it: the run fails, which is the
/// point, and the failing test ran at the time, which is enough to go looking. The station tests link this file.
/// </summary>
public static class UnobservedTaskExceptions
{
    /// <summary>
    /// The message prefix of the exception the harness's own test leaks on purpose. It is kept apart: a test collecting
    /// in parallel neither takes it (the self-test would then find nothing) nor fails on it.
    /// </summary>
    public const string SelfTestMarker = "unobserved-self-test-";

    private static readonly ConcurrentQueue<Exception> Seen = new();
    private static readonly ConcurrentQueue<Exception> SelfTest = new();

    static UnobservedTaskExceptions() => TaskScheduler.UnobservedTaskException += (_, e) =>
    {
        if (e.Exception.InnerExceptions.Any(inner => inner.Message.StartsWith(SelfTestMarker, StringComparison.Ordinal)))
        {
            SelfTest.Enqueue(e.Exception);
        }
        else if (!IsBlazorCircuitPauseAtShutdown(e.Exception) && !IsOrleansShutdown(e.Exception))
        {
            Seen.Enqueue(e.Exception);
        }

        e.SetObserved();
    };

    /// <summary>
    /// ASP.NET Core's own race, not ours: as a host is disposed, its circuit registry evicts the console's disconnected
    /// circuits and pauses each on a task nobody awaits, which reads the circuit's services after they were disposed.
    /// Only that exact exception is let through; anything else from the console still fails the test.
    /// </summary>
    private static bool IsBlazorCircuitPauseAtShutdown(AggregateException exception) =>
        exception.InnerExceptions.Count > 0 && exception.InnerExceptions.All(inner =>
            inner is ObjectDisposedException && inner.StackTrace?.Contains("Microsoft.AspNetCore.Components.Server.Circuits.CircuitPersistenceManager.PauseCircuitAsync", StringComparison.Ordinal) == true);

    /// <summary>
    /// Orleans' internal AsyncEnumerable (membership and manifest updates) ends, when a silo is disposed, with an element
    /// whose task holds a never-thrown ObjectDisposedException named "This instance has been disposed"; nobody awaits it.
    /// That is Orleans' own, at shutdown, and nothing of Ohm's (the cluster tests).
    /// </summary>
    private static bool IsOrleansShutdown(AggregateException exception) =>
        exception.InnerExceptions.Count > 0 && exception.InnerExceptions.All(e =>
            e is ObjectDisposedException { ObjectName: "This instance has been disposed", StackTrace: null });

    /// <summary>Subscribes (once, by touching the class); call before the work that may leave a task unobserved.</summary>
    public static void Watch()
    {
    }

    /// <summary>Surfaces the exceptions of collected tasks and returns (and forgets) what was seen.</summary>
    public static IReadOnlyList<Exception> Collect() => Drain(Seen);

    /// <summary>As <see cref="Collect"/>, for the harness's own test: the exceptions marked <see cref="SelfTestMarker"/>.</summary>
    public static IReadOnlyList<Exception> CollectSelfTest() => Drain(SelfTest);

    private static List<Exception> Drain(ConcurrentQueue<Exception> queue)
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var list = new List<Exception>();
        while (queue.TryDequeue(out var exception))
        {
            list.Add(exception);
        }

        return list;
    }

    /// <summary>Fails when an unobserved task exception surfaced.</summary>
    public static void AssertNone()
    {
        var found = Collect();
        if (found.Count > 0)
        {
            Assert.Fail($"{found.Count} unobserved task exception(s):" + Environment.NewLine + string.Join(Environment.NewLine, found));
        }
    }
}
